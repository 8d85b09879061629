'use strict';

const Fastify = require('fastify');
const { setupSignalHandlers, registerHttpServer, registerShutdownHandler } = require('./shutdown');

setupSignalHandlers();

const app = Fastify({ keepAliveTimeout: 65000 });
registerHttpServer(app.server);
registerShutdownHandler('fastify', () => app.close());

app.get('/', async () => 'ok');
app.get('/slow', async () => {
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_MS || 1000)));
  return 'slow done';
});

app.listen({ port: Number(process.env.PORT || 3000), host: '127.0.0.1' }).then(() => {
  console.log('listening');
});
