import Koa from 'koa';
import { setupSignalHandlers, registerHttpServer } from './shutdown';

setupSignalHandlers();

const app = new Koa();
app.use(async (ctx) => {
  ctx.body = 'ok';
});

const server = app.listen(Number(process.env.PORT ?? 3000));
registerHttpServer(server);
