import express = require('express');
import { setupSignalHandlers, registerHttpServer } from './shutdown.cjs';

setupSignalHandlers();

const app = express();
app.get('/health', (_req, res) => {
  res.send('ok');
});

const server = app.listen(4000);
registerHttpServer(server);
