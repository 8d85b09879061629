const express = require('express');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();
const app = express();

app.get('/', (req, res) => res.send('hi'));

const server = app.listen(3000);
registerHttpServer(server);
