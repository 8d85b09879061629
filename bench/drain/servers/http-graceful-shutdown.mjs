// http-graceful-shutdown: gracefulShutdown(server, options) as its README shows, with the deadline as its
// `timeout`; it handles SIGINT and SIGTERM and calls process.exit at the end (forceExit, its default).
// Frameworks: their own close in onShutdown, its cleanup hook (it runs once the sockets are gone).
import gracefulShutdown from 'http-graceful-shutdown';
import { appKind, createApp, deadlineMs } from './app.mjs';

const app = await createApp();
gracefulShutdown(app.server, {
  timeout: deadlineMs,
  ...(appKind === 'http' ? {} : { onShutdown: () => app.close().catch(() => undefined) }),
});
await app.listen();
