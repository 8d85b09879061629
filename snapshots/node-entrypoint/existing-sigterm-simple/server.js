const express = require('express');
const db = require('./db');
const { setupSignalHandlers, registerHttpServer, registerShutdownHandler } = require('./shutdown');

setupSignalHandlers();

const app = express();
const server = app.listen(3000);
registerHttpServer(server);

registerShutdownHandler('db', () => db.close());

module.exports = server;
