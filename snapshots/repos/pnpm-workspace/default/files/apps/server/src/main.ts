import Fastify from 'fastify';
import { setupSignalHandlers, registerShutdownHandler } from './shutdown';

setupSignalHandlers();

const app = Fastify();
registerShutdownHandler('fastify', () => app.close());
app.get('/', async () => 'ok');
app.listen({ port: 3000 });
