import express from 'express';
import { setupSignalHandlers, registerHttpServer } from './shutdown.js';

setupSignalHandlers();

const app = express();
app.get('/', (_req, res) => {
  res.send('ok');
});
app.get('/slow', (_req, res) => {
  setTimeout(() => res.send('slow done'), Number(process.env.SLOW_MS ?? 1000));
});

const server = app.listen(Number(process.env.PORT ?? 3000), function () {
  console.log('listening');
});
registerHttpServer(server);
