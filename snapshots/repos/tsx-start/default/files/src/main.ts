import express from 'express';
import { setupSignalHandlers, registerHttpServer } from './shutdown';

setupSignalHandlers();

const app = express();
app.get('/', (_req, res) => res.send('ok'));
const server = app.listen(3000);
registerHttpServer(server);
