// close-with-grace: it handles the signals and the deadline (`delay`) but closes nothing itself; the callback
// closes the server the plain Node way, server.close() plus closeIdleConnections().
import closeWithGrace from 'close-with-grace';
import { createApp, deadlineMs } from './app.mjs';

const { server, listen } = await createApp();
closeWithGrace({ delay: deadlineMs }, async () => {
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeIdleConnections();
  });
});
await listen();
