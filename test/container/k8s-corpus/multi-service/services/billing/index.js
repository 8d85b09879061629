const app = require('fastify')();
app.get('/drain', async () => 'draining');
app.listen({ port: 9000, host: '0.0.0.0' });
