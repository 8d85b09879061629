import express from 'express';
import { router } from './routes/index.js';
import { config } from './config.js';
import { setupSignalHandlers, registerHttpServer } from './shutdown.js';

setupSignalHandlers();

const app = express();
app.use(express.json());
app.use('/api', router);

const server = app.listen(config.port, () => {
  console.log(`listening on ${config.port}`);
});
registerHttpServer(server);
