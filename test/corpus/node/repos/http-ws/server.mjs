import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  if (req.url === '/snapshot') {
    // building a full snapshot takes about a second
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(process.memoryUsage()));
    }, 1000);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('live stats');
});

const wss = new WebSocketServer({ server });

wss.on('connection', (ws) => {
  const timer = setInterval(() => ws.send(JSON.stringify({ rss: process.memoryUsage().rss })), 500);
  ws.on('error', console.error);
  ws.on('close', () => clearInterval(timer));
});

server.listen(Number(process.env.PORT) || 8080, () => {
  console.log('live stats on', server.address().port);
});
