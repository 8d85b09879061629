import Koa from 'koa';
import { relay } from './relay.ts';

const app = new Koa();

app.use(async (ctx) => {
  if (ctx.path === '/relay') {
    ctx.body = await relay();
    return;
  }
  ctx.body = 'webhook relay';
});

const port = Number(process.env['PORT'] ?? 4000);
app.listen(port, () => {
  console.log(`relay on ${port}`);
});
