// The load of load.ts, as a process of its own: run inside a container's network namespace
// (`nsenter -t PID -n node load-client.mjs PORT`) for images whose port is fixed in their command.
// Prints "READY" once the in-flight requests are sent, then one JSON line with their statuses.
import http from 'node:http';

const port = Number(process.argv[2]);
const idleCount = Number(process.argv[3] ?? 200);
const busyCount = Number(process.argv[4] ?? 20);

async function up() {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => { res.resume(); resolve(true); });
      req.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answered on port ${port}`);
}

await up();
const idle = new http.Agent({ keepAlive: true, maxSockets: idleCount });
await Promise.all(Array.from({ length: idleCount }, () => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path: '/', agent: idle }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
})));
const busy = new http.Agent({ keepAlive: true, maxSockets: busyCount });
const results = Promise.all(Array.from({ length: busyCount }, () => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port, path: '/slow', agent: busy }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
    res.on('error', (e) => resolve(e.code ?? 'error'));
  });
  req.on('error', (e) => resolve(e.code ?? 'error'));
})));
await new Promise((r) => setTimeout(r, 300));
process.stdout.write('READY\n');
const statuses = await Promise.race([results, new Promise((r) => setTimeout(() => r(['no answer']), 12_000))]);
process.stdout.write(`${JSON.stringify(statuses)}\n`);
idle.destroy();
busy.destroy();
process.exit(0);
