const Koa = require('koa');

const app = module.exports = new Koa();

// response time header
app.use(async function (ctx, next) {
  const start = Date.now();
  await next();
  ctx.set('X-Response-Time', `${Date.now() - start}ms`);
});

app.use(async function (ctx) {
  if (ctx.path === '/export') {
    // exporting every note takes about a second
    await new Promise((resolve) => setTimeout(resolve, 1000));
    ctx.body = { exported: true };
    return;
  }
  ctx.body = 'notes';
});

if (!module.parent) app.listen(process.env.PORT || 3000);
