// http-terminator: terminate() instead of server.close(), with the deadline as gracefulTerminationTimeout.
// It has no signal handling: SIGTERM calls terminate(), then (frameworks) the framework's own close, whose
// server.close() finds the server closed already, then the process exits.
import { createHttpTerminator } from 'http-terminator';
import { appKind, createApp, deadlineMs } from './app.mjs';

const app = await createApp();
const terminator = createHttpTerminator({ server: app.server, gracefulTerminationTimeout: deadlineMs });
process.once('SIGTERM', async () => {
  // socket.io clients first: their upgraded sockets are not the terminator's.
  if (appKind === 'socketio') app.io.disconnectSockets(true);
  try {
    await terminator.terminate();
    if (appKind !== 'http') await app.close().catch(() => undefined);
    process.exit(0);
  } catch {
    process.exit(1);
  }
});
await app.listen();
