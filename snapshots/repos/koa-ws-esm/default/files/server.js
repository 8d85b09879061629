import http from 'node:http';
import Koa from 'koa';
import { WebSocketServer } from 'ws';
import { setupSignalHandlers, registerHttpServer, registerWebSocketServer } from './shutdown.js';

setupSignalHandlers();

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === '/slow') {
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_MS ?? 1000)));
    ctx.body = 'slow done';
    return;
  }
  ctx.body = 'ok';
});

const server = http.createServer(app.callback());
registerHttpServer(server);
server.keepAliveTimeout = 65000;
const wss = new WebSocketServer({ server });
registerWebSocketServer(wss);
wss.on('connection', (socket) => {
  socket.send('hello');
});

server.listen(Number(process.env.PORT ?? 3000), () => {
  console.log('listening');
});
