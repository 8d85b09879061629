import express from 'express';
import { pool } from './db.js';
import { setupSignalHandlers, registerHttpServer, registerShutdownHandler } from './shutdown.js';

setupSignalHandlers();

const app = express();
const server = app.listen(3000);
registerHttpServer(server);

registerShutdownHandler('pool', () => pool.end());
