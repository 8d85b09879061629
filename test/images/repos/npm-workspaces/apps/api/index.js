const express = require('express');
const { greeting } = require('@acme/shared');

const app = express();
app.get('/', (_req, res) => res.send(greeting('api')));
app.get('/slow', (_req, res) => setTimeout(() => res.send('done'), 1000));

const port = Number(process.env.PORT || 5050);
app.listen(port, () => console.log(`api on ${port}`));
