import Fastify from 'fastify';

const app = Fastify({ logger: false });

app.get('/', async () => {
  // The catalog is read from a slow upstream.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { items: [] };
});

app.get('/health', async () => ({ status: 'ok' }));

const port = Number(process.env.PORT ?? 3000);
await app.listen({ port, host: '0.0.0.0' });
console.log(`catalog-service on ${port}`);
