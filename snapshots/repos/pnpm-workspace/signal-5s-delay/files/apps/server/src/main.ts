import Fastify from 'fastify';
import { setupSignalHandlers, registerHttpServer, registerShutdownHandler } from './shutdown';

setupSignalHandlers();

const app = Fastify();
registerHttpServer(app.server);
registerShutdownHandler('fastify', () => app.close());
app.get('/', async () => 'ok');
app.listen({ port: 3000 });
