// Reference, not a tool: at SIGTERM it closes the listener and the idle connections (server.close()), then
// exits the moment the last in-flight response has been written, without waiting for anything else. Its
// overhead is what the benchmark itself costs on this machine (timer lag when busy, process teardown): the
// lowest a real drain can show.
import { createApp } from './app.mjs';

const { server, listen } = await createApp();
let inFlight = 0;
let stopping = false;
server.on('request', (_req, res) => {
  inFlight++;
  res.once('finish', () => {
    if (--inFlight === 0 && stopping) process.exit(0);
  });
});
process.once('SIGTERM', () => {
  stopping = true;
  server.close(); // since Node 19 this also closes the connections idle at this moment
  if (inFlight === 0) process.exit(0);
});
await listen();
