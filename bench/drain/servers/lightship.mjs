// lightship as its README shows: createLightship(), a shutdown handler that calls server.close(), and
// signalReady() once listening; the deadline as its gracefulShutdownTimeout. Off Kubernetes it runs in local
// mode: its probe server on a free port, no shutdown delay. It exits 0 when the handlers are done, or 1 at a
// timeout (shutdownHandlerTimeout, default 5 s, or the deadline).
import { createLightship } from 'lightship';
import { createApp, deadlineMs } from './app.mjs';

const { server, listen } = await createApp();
const lightship = await createLightship({ gracefulShutdownTimeout: deadlineMs });
lightship.registerShutdownHandler(() => {
  server.close();
});
await listen();
lightship.signalReady();
