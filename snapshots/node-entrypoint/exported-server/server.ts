import http from 'node:http';
import { app } from './app.js';
import { setupSignalHandlers, registerHttpServer } from './shutdown.js';

setupSignalHandlers();

export const server = http.createServer(app);
registerHttpServer(server);
