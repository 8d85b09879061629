// @gquittet/graceful-server: GracefulServer(server, options), setReady() once listening. Its `timeout` gets
// the deadline (the only time option it has): at a signal it waits that long (still accepting), then destroys
// every socket and exits.
import GracefulServer from '@gquittet/graceful-server';
import { createApp, deadlineMs } from './app.mjs';

const { server, listen } = await createApp();
const graceful = GracefulServer(server, { timeout: deadlineMs });
await listen();
graceful.setReady();
