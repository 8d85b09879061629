// http-terminator: terminate() instead of server.close(), with the deadline as gracefulTerminationTimeout.
// It has no signal handling: SIGTERM calls terminate(), then the process exits.
import { createHttpTerminator } from 'http-terminator';
import { createApp, deadlineMs, listen } from './app.mjs';

const server = createApp();
const terminator = createHttpTerminator({ server, gracefulTerminationTimeout: deadlineMs });
process.once('SIGTERM', () => {
  terminator.terminate().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
listen(server);
