const express = require('express');
const { mount } = require('./lib/routes');

const app = express();
mount(app);

const port = Number(process.env.PORT || 8080);
app.listen(port, () => console.log(`catalogue listening on ${port}`));
