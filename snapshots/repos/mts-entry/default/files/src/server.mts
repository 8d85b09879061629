import { createServer } from 'node:http';
import { setupSignalHandlers, registerHttpServer } from './shutdown.mjs';

setupSignalHandlers();

const server = createServer((_req, res) => res.end('ok')).listen(3000);
registerHttpServer(server);
