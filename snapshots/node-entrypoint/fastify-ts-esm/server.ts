import Fastify from 'fastify';
import { setupSignalHandlers, registerShutdownHandler } from './shutdown.js';

setupSignalHandlers();

const app = Fastify({ logger: true });
registerShutdownHandler('fastify', () => app.close());

app.get('/', async () => 'ok');

await app.listen({ port: 3000 });
