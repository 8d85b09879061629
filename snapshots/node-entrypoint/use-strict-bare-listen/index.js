'use strict';

const express = require('express');
const routes = require('./routes');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

const app = express();
app.use(routes);

const server = app.listen(3000, function () {
  console.log('up');
});
registerHttpServer(server);
