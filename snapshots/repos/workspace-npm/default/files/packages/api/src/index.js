import express from 'express';
import { setupSignalHandlers, registerHttpServer } from './shutdown.js';

setupSignalHandlers();

const app = express();
app.get('/', (_req, res) => res.send('ok'));
export const server = app.listen(3000);
registerHttpServer(server);
