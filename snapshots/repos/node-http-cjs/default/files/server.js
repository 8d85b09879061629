const http = require('http');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

setupSignalHandlers();

const server = http.createServer((req, res) => {
  if (req.url === '/slow') {
    setTimeout(() => res.end('slow done'), Number(process.env.SLOW_MS || 1000));
    return;
  }
  res.end('ok');
});
registerHttpServer(server);
server.keepAliveTimeout = 65000;

server.listen(process.env.PORT || 3000, () => {
  console.log('listening');
});
