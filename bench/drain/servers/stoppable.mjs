// stoppable: decorate the server with the deadline as grace; it has no signal handling of its own, so
// SIGTERM calls server.stop() and the process exits when the server has closed (1 if sockets had to be
// destroyed at the grace limit).
import stoppable from 'stoppable';
import { createApp, deadlineMs } from './app.mjs';

const { server, listen } = await createApp();
stoppable(server, deadlineMs);
process.once('SIGTERM', () => {
  server.stop((error, gracefully) => process.exit(error || !gracefully ? 1 : 0));
});
await listen();
