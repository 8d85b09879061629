import express from 'express';
import { slowHandler } from './routes.js';
import { setupSignalHandlers, registerHttpServer } from './shutdown.js';

setupSignalHandlers();

const app = express();
const port = Number(process.env.PORT ?? 3000);

app.get('/', (_req, res) => {
  res.send('ok');
});
app.get('/slow', slowHandler);

const server = app.listen(port, () => {
  console.log(`listening on ${port}`);
});
registerHttpServer(server);
server.keepAliveTimeout = 65_000;
