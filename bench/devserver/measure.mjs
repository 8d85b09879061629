#!/usr/bin/env node
// How long does SIGTERM take to stop a frontend dev server running as PID 1 of a container, and what
// do its clients see? For Vite, webpack-dev-server and a custom express + Vite-middleware + ws server,
// started the way `npm run dev` starts them (directly, under tini, through npm), with and without the
// generated dev-server module, each with an HMR WebSocket client and an idle keep-alive HTTP client.
// Prints a Markdown table. Needs root (unshare), /usr/bin/tini and `npm run build` (for the module).
//
//   node bench/devserver/measure.mjs [--only vite,custom] [--grace 10000]
import { rmSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TOOLS, prepareApp } from './lib/apps.mjs';
import { connectKeepAlive, connectWebSocket, viteHmrToken } from './lib/clients.mjs';
import { killAll, startAsPid1, stopLikeDocker, waitForHttp } from './lib/pid1.mjs';

const LAUNCHERS = [
  { name: 'node (no init)', argv: (cmd) => cmd },
  { name: 'tini', argv: (cmd) => ['/usr/bin/tini', '--', ...cmd] },
  { name: 'npm run dev (no init)', argv: () => ['npm', 'run', 'dev'] },
  { name: 'tini + npm run dev', argv: () => ['/usr/bin/tini', '--', 'npm', 'run', 'dev'] },
  { name: 'tini -g + npm run dev', argv: () => ['/usr/bin/tini', '-g', '--', 'npm', 'run', 'dev'] },
];

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    grace: { type: 'string', default: '10000' },
  },
});
const graceMs = Number(opts.grace);
const only = opts.only ? opts.only.split(',') : null;

function freePort() {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ default: net }) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
      srv.on('error', reject);
    });
  });
}

async function measure(tool, launcher, withModule) {
  const dir = await prepareApp(tool, withModule);
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), CI: '', NO_COLOR: '1' };
  delete env.npm_lifecycle_event;
  const proc = await startAsPid1(launcher.argv(tool.command), { cwd: dir, env });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 90_000, proc.exited);
    const origin = `http://127.0.0.1:${port}`;
    const query = tool.hmr.protocol === 'vite-hmr' ? `?token=${await viteHmrToken(origin)}` : '';
    const hmr = await connectWebSocket(`ws://127.0.0.1:${port}${tool.hmr.path}${query}`, tool.hmr.protocol, origin);
    const app = tool.appSocket ? await connectWebSocket(`ws://127.0.0.1:${port}${tool.appSocket}`, null, origin) : null;
    // A socket the server refused closes at once; that would not be measuring shutdown.
    await sleep(300);
    for (const c of [hmr, app]) if (c && c.record.code !== null) throw new Error(`WebSocket closed before SIGTERM: ${c.record.code}`);
    const keepAlive = await connectKeepAlive(port);
    await sleep(300);

    const stop = await stopLikeDocker(proc, graceMs);
    // Let the clients' close events land (they come at the latest when the kernel closes the sockets).
    await Promise.race([Promise.all([hmr.closed, app?.closed, keepAlive.ended]), sleep(2000)]);
    return {
      ms: stop.ms,
      killed: stop.killed,
      // After the SIGKILL, unshare's own status says nothing about the dev server.
      status: stop.killed ? 'SIGKILL' : stop.exit.signal ? stop.exit.signal : `exit ${stop.exit.code}`,
      hmr: hmr.record.code,
      app: app ? app.record.code : null,
      keepAlive: keepAlive.record.how,
    };
  } catch (err) {
    return { error: `${err.message}\n${proc.output().slice(-2000)}` };
  } finally {
    killAll(proc);
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

function cell(result) {
  if (result.error) return ['error', '', '', '', ''];
  const time = result.killed ? `**killed at ${Math.round(graceMs / 1000)} s**` : `${Math.round(result.ms)} ms`;
  return [time, result.status, String(result.hmr ?? 'open'), result.app === null ? '–' : String(result.app), result.keepAlive];
}

const rows = [];
const errors = [];
for (const tool of TOOLS.filter((t) => !only || only.includes(t.app))) {
  for (const withModule of [false, true]) {
    for (const launcher of LAUNCHERS) {
      const result = await measure(tool, launcher, withModule);
      if (result.error) errors.push(`${tool.name} / ${launcher.name} / module=${withModule}: ${result.error}`);
      const row = [tool.name, launcher.name, withModule ? 'yes' : 'no', ...cell(result)];
      rows.push(row);
      process.stderr.write(`${row.join(' | ')}\n`);
    }
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(
  `Dev server as PID 1 (\`unshare --pid --fork\`), SIGTERM from outside, SIGKILL after ${graceMs / 1000} s (like \`docker stop\`).`,
);
console.log(`Node ${process.version}, ${os.cpus().length} × ${cpu}, ${os.type()} ${os.release()}, load ${os.loadavg()[0].toFixed(2)}.\n`);
console.log('| dev server | PID 1 | module | SIGTERM → exit | exit | HMR close code | app WS close code | idle keep-alive socket |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (errors.length > 0) {
  console.log('\nErrors:\n');
  for (const e of errors) console.log(`- ${e.replace(/\n/g, '\n  ')}`);
  process.exitCode = 1;
}
