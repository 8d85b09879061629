import { createServer } from 'node:http';
import { handler } from './handler.mjs';
import { setupSignalHandlers, registerHttpServer } from './shutdown.mjs';

setupSignalHandlers();

const server = createServer(handler).listen(3000);
registerHttpServer(server);
