import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => 'ok');
app.get('/slow', async () => {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return 'done';
});

const port = Number(process.env.PORT ?? 3300);
await app.listen({ port, host: '0.0.0.0' });
