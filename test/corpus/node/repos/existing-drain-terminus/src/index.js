const http = require('http');
const app = require('./app');
const { installGracefulStop } = require('./lifecycle');

const port = Number(process.env.PORT) || 8080;
const server = http.createServer(app);

installGracefulStop(server);

server.listen(port, () => {
  console.log(`billing listening on ${port}`);
});
