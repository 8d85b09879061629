import { createApp } from './app.js';

const port = Number(process.env['PORT'] ?? 3000);

const app = createApp();
const server = app.listen(port, () => {
  console.log(`inventory listening on ${port}`);
});

export { server };
