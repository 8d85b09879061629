import Fastify from 'fastify';
import { setupSignalHandlers, registerHttpServer, registerShutdownHandler } from './shutdown.js';

setupSignalHandlers();

const app = Fastify({ logger: true });
registerHttpServer(app.server);
registerShutdownHandler('fastify', () => app.close());

app.get('/', async () => 'ok');

await app.listen({ port: 3000 });
