const http = require('node:http');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown.cjs');

setupSignalHandlers();
const server = http.createServer((_req, res) => res.end('ok')).listen(3000);
registerHttpServer(server);
