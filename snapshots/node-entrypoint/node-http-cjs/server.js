const http = require('node:http');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
registerHttpServer(server);

server.listen(8080, () => {
  console.log('listening');
});
