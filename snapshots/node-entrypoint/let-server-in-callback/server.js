const express = require('express');
const mongoose = require('mongoose');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

const app = express();
let server;

mongoose.connect(process.env.MONGO_URL).then(() => {
  server = app.listen(3000, () => {
    console.log('listening');
  });
  registerHttpServer(server);
});

module.exports = app;
