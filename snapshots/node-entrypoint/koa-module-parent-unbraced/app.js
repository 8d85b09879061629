const Koa = require('koa');
const { setupSignalHandlers, registerHttpServer } = require('./shutdown');

const app = module.exports = new Koa();

app.use(async (ctx) => {
  ctx.body = 'notes';
});

// listen only when run directly (tests require the app)
if (!module.parent) {
  setupSignalHandlers();
  const server = app.listen(process.env.PORT || 3000);
  registerHttpServer(server);
}
