const express = require('express');
const { since } = require('@pc/util');

const app = express();
app.get('/', (_req, res) => res.send(`up ${since()}`));
app.get('/slow', (_req, res) => setTimeout(() => res.send('done'), 1000));

const port = Number(process.env.PORT ?? 3100);
app.listen(port);
