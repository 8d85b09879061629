// @godaddy/terminus: createTerminus with the deadline as its timeout (its default, 1 s, would cut the
// in-flight work). It handles SIGTERM itself and re-raises it when done (exit status 143).
import { createTerminus } from '@godaddy/terminus';
import { createApp, deadlineMs, listen } from './app.mjs';

const server = createApp();
createTerminus(server, { signal: 'SIGTERM', timeout: deadlineMs });
listen(server);
