const Koa = require('koa');

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === '/slow') await new Promise((resolve) => setTimeout(resolve, 1000));
  ctx.body = 'ok';
});

const PORT = process.env.PORT || 4000;
app.listen(PORT);
