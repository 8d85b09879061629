import http from 'node:http';
import Koa from 'koa';
import { WebSocketServer } from 'ws';
import { setupSignalHandlers, registerHttpServer, registerWebSocketServer } from './shutdown.js';

setupSignalHandlers();

const app = new Koa();
app.use((ctx) => {
  ctx.body = 'hello';
});

const server = http.createServer(app.callback());
registerHttpServer(server);
const wss = new WebSocketServer({ server });
registerWebSocketServer(wss);

wss.on('connection', (socket) => {
  socket.send('welcome');
});

server.listen(process.env.PORT ?? 3000);
