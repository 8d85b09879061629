const express = require('express');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

function start(port) {
  const app = express();
  const server = app.listen(port);
  registerHttpServer(server);
  return server;
}

module.exports = { start };
start(3000);
