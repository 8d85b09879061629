import http from 'node:http';
import express from 'express';
import { WebSocketServer } from 'ws';
import { ordersRouter } from './orders.js';

const app = express();
app.use(express.json());
app.use('/orders', ordersRouter);
app.get('/healthz', (_req, res) => {
  res.send('ok');
});

const server = http.createServer(app);
server.keepAliveTimeout = 65_000; // behind a load balancer with a 60 s idle timeout

const wss = new WebSocketServer({ server, path: '/live' });
wss.on('connection', (socket) => socket.send(JSON.stringify({ hello: 'shop' })));

server.listen(Number(process.env.PORT ?? 8080), () => {
  console.log(`shop-api listening on ${process.env.PORT ?? 8080}`);
});
