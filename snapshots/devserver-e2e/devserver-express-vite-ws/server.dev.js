// A custom dev server: express + Vite in middleware mode (HMR on the same port) + an app WebSocket.
import http from 'node:http';
import express from 'express';
import { createServer as createViteServer } from 'vite';
import { WebSocketServer } from 'ws';
import { setupSignalHandlers, registerHttpServer, registerWebSocketServer, registerShutdownHandler } from './devserver-shutdown.js';

setupSignalHandlers();

const port = Number(process.env.PORT ?? 3000);
const app = express();
const server = http.createServer(app);
registerHttpServer(server);
const vite = await createViteServer({
  configFile: false,
  appType: 'spa',
  server: { middlewareMode: true, hmr: { server } },
});
registerWebSocketServer(vite.ws);
registerShutdownHandler('vite', () => vite.close());
app.get('/api/health', (_req, res) => res.json({ ok: true }));
app.use(vite.middlewares);

const live = new WebSocketServer({ noServer: true });
registerWebSocketServer(live);
server.on('upgrade', (req, socket, head) => {
  if (req.url === '/live') live.handleUpgrade(req, socket, head, (ws) => live.emit('connection', ws, req));
});
live.on('connection', (ws) => ws.send(JSON.stringify({ hello: 'live' })));
setInterval(() => {
  for (const ws of live.clients) ws.send(JSON.stringify({ now: Date.now() }));
}, 1000);

server.listen(port, '127.0.0.1', () => console.log(`dev server on http://127.0.0.1:${port}`));
