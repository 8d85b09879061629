const express = require('express');

const app = express();
app.get('/', (_req, res) => res.send('ok'));
// A request that is still being worked on when the stop signal arrives.
app.get('/slow', (_req, res) => setTimeout(() => res.send('done'), 1000));

const port = Number(process.env.PORT || 4000);
app.listen(port, () => console.log(`listening on ${port}`));
