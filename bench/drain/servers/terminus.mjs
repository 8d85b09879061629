// @godaddy/terminus: createTerminus with the deadline as its timeout (its default, 1 s, would cut the
// in-flight work). It handles SIGTERM itself and re-raises it when done (exit status 143). Frameworks: their
// own close in onSignal, terminus's cleanup hook (it runs once the server has stopped).
import { createTerminus } from '@godaddy/terminus';
import { appKind, createApp, deadlineMs } from './app.mjs';

const app = await createApp();
createTerminus(app.server, {
  signal: 'SIGTERM',
  timeout: deadlineMs,
  ...(appKind === 'http' ? {} : { onSignal: () => app.close().catch(() => undefined) }),
});
await app.listen();
