// The one plain node:http server every row of the drain benchmark runs, so that the rows differ only in the
// shutdown tool. Routes: /fast answers at once (used to leave keep-alive connections idle); /slow?end=<epoch ms>
// answers 200 'done' at that moment (the in-flight work) and prints `recv` when it arrives, so the runner
// knows when the server holds every in-flight request.
import { createServer } from 'node:http';

/** The shutdown deadline every tool is given, through its own option (set by run.mjs). */
export const deadlineMs = Number(process.env.DRAIN_DEADLINE_MS ?? 8000);

export function createApp() {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/slow')) {
      const end = Number(new URL(req.url, 'http://localhost').searchParams.get('end'));
      process.stdout.write('recv\n');
      setTimeout(() => {
        res.setHeader('content-type', 'text/plain');
        res.end('done');
      }, Math.max(0, end - Date.now()));
      return;
    }
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  });
  // Common behind load balancers (longer than their idle timeout): idle sockets outlive any drain.
  server.keepAliveTimeout = 65_000;
  // Connections still open when the process exits, for run.mjs: printed on 'exit', and before a tool re-raises
  // the signal at itself (terminus), which ends the process without an 'exit' event. A destroyed socket's fd is
  // closed at once but its 'close' event comes a tick later, after a quick exit: `destroyed` is what counts.
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const report = () => {
    let open = 0;
    for (const socket of sockets) if (!socket.destroyed) open++;
    process.stdout.write(`open-at-exit ${open}\n`);
  };
  process.once('exit', report);
  const kill = process.kill;
  process.kill = (pid, signal) => {
    if (pid === process.pid) report();
    return kill.call(process, pid, signal);
  };
  return server;
}

/** Listens on a free loopback port and prints `listening <port>`. */
export function listen(server) {
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
}
