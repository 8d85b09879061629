var express = require('express');
var bodyParser = require('body-parser');
var { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

var app = express();
app.use(bodyParser.json());

var port = process.env.PORT || 3000;
var server = app.listen(port);
registerHttpServer(server);
