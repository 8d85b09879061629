#!/usr/bin/env node
// Drain benchmark: how fast does each shutdown tool take a loaded server from SIGTERM to exit?
// Apps (servers/app.mjs): plain node:http, Fastify, NestJS (Express) and socket.io on node:http, the same
// routes in each. Rows on node:http: the generated module (each variant), the seed's JS template, stoppable,
// @godaddy/terminus, http-terminator, http-graceful-shutdown, lightship, @gquittet/graceful-server and
// close-with-grace; on the other apps the tools that take any node server (the generated module, terminus,
// http-terminator, http-graceful-shutdown), each with the framework's own close as its cleanup. All in one run.
// Load per run: N idle keep-alive connections (keepAliveTimeout 65 s), P preconnected sockets (connected, no
// request sent), on socket.io S connected clients, and 100 in-flight requests that all end 1 s after SIGTERM
// (the floor: no tool can exit sooner without losing them). Every tool gets the same deadline (--deadline,
// default 8000 ms, the generated module's default), through its own option.
// Prints Markdown tables of medians on stdout, one per app, each row with its exit time's ratio to the best
// peer (the quickest peer that lost no request); progress goes to stderr.
//
//   npm run bench:drain [-- --runs 3 --n 1000,10000 --apps http,fastify,nest,socketio --only stoppable,terminus
//                          --deadline 8000 --preconnected 100 --sio 50 --quick]
//   --quick: N = 1,000 only and 1 run.   --seed <file>: the seed file (default /work/shared/seed/...).
//   BENCH_BASELINE_MODULE=<file> adds a row for another build of the module (A/B against an earlier commit).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { constants, cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { VARIANTS, buildVariants, extractSeed } from './build.mjs';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '../..');
const DEFAULT_SEED = '/work/shared/seed/000_6849ce9a0e19bc42.txt';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    n: { type: 'string', default: '1000,10000' },
    only: { type: 'string' },
    deadline: { type: 'string', default: '8000' },
    inflight: { type: 'string', default: '100' },
    work: { type: 'string', default: '1000' },
    lead: { type: 'string', default: '600' },
    seed: { type: 'string', default: DEFAULT_SEED },
    apps: { type: 'string', default: 'http,fastify,nest,socketio' },
    preconnected: { type: 'string', default: '100' },
    sio: { type: 'string', default: '50' },
    quick: { type: 'boolean', default: false },
  },
});
const runs = opts.quick ? 1 : Number(opts.runs);
const sizes = opts.quick ? [1000] : opts.n.split(',').map(Number);
const deadlineMs = Number(opts.deadline);
const inflightCount = Number(opts.inflight);
/** Work each in-flight request still has at SIGTERM. */
const workMs = Number(opts.work);
/** Time allowed for every in-flight request to reach the server before the SIGTERM is due. */
const leadMs = Number(opts.lead);
const only = opts.only?.split(',');
const apps = opts.apps.split(',');
const preconnected = Number(opts.preconnected);
const sioCount = Number(opts.sio);
const APP_NAMES = { http: 'node:http', fastify: 'Fastify', nest: 'NestJS (Express)', socketio: 'socket.io on node:http' };
/** Rows that are no peer: ours, the seed, the reference. */
/** A drain that finished: 0, or 143 from a tool that re-raises SIGTERM (terminus); 1 is a forced exit. */
const CLEAN_EXIT = new Set([0, 143]);
const notPeer = (tool) => tool.ours || tool.name.startsWith('seed') || tool.name.startsWith('reference');

const children = new Set();
const tmp = mkdtempSync(join(tmpdir(), 'cgs-bench-drain-'));
const cleanup = () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const notes = [];

/** Every row of node:http: name, server script, extra environment, which apps it runs. */
async function tools() {
  const built = await buildVariants(ROOT, tmp);
  const list = VARIANTS.map((v) => ({
    name: `ours: generated ${v}`,
    ours: true,
    script: 'generated.mjs',
    env: { SHUTDOWN_MODULE: built[v].file, SHUTDOWN_LOADER: built[v].loader },
    // One variant on the framework apps: the variants differ in syntax only.
    apps: v === 'ts-esm' ? apps : ['http'],
  }));
  // An A/B row against another build of the module (e.g. one rendered at an earlier commit):
  // BENCH_BASELINE_MODULE=<its JavaScript file> [BENCH_BASELINE_LOADER=import|require].
  if (process.env.BENCH_BASELINE_MODULE) {
    list.push({
      name: 'baseline module',
      script: 'generated.mjs',
      env: { SHUTDOWN_MODULE: process.env.BENCH_BASELINE_MODULE, SHUTDOWN_LOADER: process.env.BENCH_BASELINE_LOADER ?? 'require' },
    });
  }
  const seed = extractSeed(opts.seed, tmp);
  if ('file' in seed) {
    // The template requires 'ws' (installed here, not beside the temp file) and reads its deadline from the env.
    list.push({
      name: 'seed JS template',
      script: 'seed.mjs',
      apps: ['http'],
      env: { SEED_MODULE: seed.file, NODE_PATH: join(ROOT, 'node_modules'), GRACEFUL_SHUTDOWN_TIMEOUT_MS: String(deadlineMs) },
    });
  } else notes.push(`seed JS template skipped: ${seed.skipped}`);
  const anyServer = ['@godaddy/terminus', 'http-terminator', 'http-graceful-shutdown'];
  for (const peer of ['stoppable', ...anyServer, 'lightship', '@gquittet/graceful-server', 'close-with-grace']) {
    list.push({
      name: peer === 'close-with-grace' ? 'close-with-grace + server.close()' : peer,
      script: `${peer.replace(/^@[^/]+\//, '')}.mjs`,
      env: {},
      apps: anyServer.includes(peer) ? apps : ['http'],
    });
  }
  list.push({ name: 'reference: exit at last response', script: 'reference.mjs', env: {}, apps: ['http'] });
  for (const tool of list) tool.apps = tool.apps.filter((a) => apps.includes(a));
  return only ? list.filter((t) => only.some((o) => t.name.includes(o))) : list;
}

/** The soft and hard open-file limits children inherit. */
function fdLimits() {
  const out = spawnSync('bash', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const parse = (s) => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: parse(out[0]), hard: parse(out[1]) };
}
const limits = fdLimits();

/** Runs `node script`, under a raised fd limit when `fds` is more than the inherited one allows. */
function spawnNode(script, fds, options) {
  if (fds <= limits.soft) return spawn(process.execPath, [script], options);
  if (fds > limits.hard) throw new Error(`needs ${fds} open files; the hard limit is ${limits.hard}`);
  // exec keeps the pid, so /proc/<pid> is node's own.
  return spawn('bash', ['-c', `ulimit -Sn ${fds} && exec "$0" "$@"`, process.execPath, script], options);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
  ]);
}

/**
 * What /proc tells of a running process: its peak RSS, its open files and, when they are few, how many are
 * sockets. null once it has exited (gone, a zombie, or on its way).
 */
function procStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    if (/^State:\s+[ZX]/m.test(text)) return null;
    // No memory left: the kernel is tearing the process down (and closing its files): it has exited.
    const hwm = /^VmHWM:\s+(\d+)/m.exec(text);
    if (!hwm) return null;
    const hwmKiB = Number(hwm[1]);
    const fds = openFds(pid);
    return { hwmKiB, fds, sockets: fds !== null && fds <= EXACT_COUNT_MAX ? countSockets(pid) : null };
  } catch {
    return null;
  }
}

/** Up to this many open files, sockets are counted one by one (readlink each); above, the files are counted. */
const EXACT_COUNT_MAX = 1000;

/** Open files of a process: Linux >= 6.2 gives the count as the size of /proc/<pid>/fd (cheap); null before. */
function openFds(pid) {
  try {
    return statSync(`/proc/${pid}/fd`).size || null;
  } catch {
    return null;
  }
}

/** Sockets among a process's open files (its stdio pipes from spawn are socketpairs: counted too). */
function countSockets(pid) {
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // closed meanwhile
    }
  }
  return sockets;
}

/** One server under load, one SIGTERM. */
async function runOnce(tool, n, app) {
  const sio = app === 'socketio' ? sioCount : 0;
  const fds = n + inflightCount + preconnected + sio + 200;
  const env = { ...process.env, DRAIN_DEADLINE_MS: String(deadlineMs), DRAIN_APP: app, ...tool.env };
  const server = spawnNode(join(HERE, 'servers', tool.script), fds, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(server);
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal, at: process.hrtime.bigint() })));
  void exited.then(() => children.delete(server));
  let stderr = '';
  server.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  let received = 0;
  let onReceived = () => undefined;
  let openAtExitLine = null;
  const port = new Promise((resolve, reject) => {
    let buffer = '';
    server.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (line === 'recv') {
          received++;
          onReceived();
        } else if (line.startsWith('listening ')) resolve(Number(line.slice(10)));
        else if (line.startsWith('open-at-exit ')) openAtExitLine = Number(line.slice(13));
      }
    });
    void exited.then(() => reject(new Error(`server exited before listening: ${stderr}`)));
  });

  const load = spawnNode(join(HERE, 'load.mjs'), fds, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(load);
  load.once('exit', () => children.delete(load));
  const reply = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (msg) => {
        if (msg.type === 'error') reject(new Error(`load: ${msg.message}`));
        else if (msg.type === type) resolve(msg);
        else return;
        load.off('message', onMessage);
      };
      load.on('message', onMessage);
    });

  try {
    const p = await withTimeout(port, 30_000, `${tool.name} listening`);
    const idleReady = reply('idle-ready');
    load.send({ type: 'idle', port: p, n });
    const { ms: idleMs } = await withTimeout(idleReady, 180_000, `${n} idle connections`);
    // Open files and sockets that are not connections: now the server holds the listener and exactly the n idle
    // connections. (Other files come and go as the process exits: the socket count is exact, the file count +-6.)
    const fdsNow = openFds(server.pid);
    const baseFds = fdsNow === null ? null : fdsNow - n - 1;
    const baseSockets = baseFds === null ? null : countSockets(server.pid) - n - 1;

    // Sockets that connected and never sent a request; then the socket.io clients. After the count above, which
    // they would spoil; the server has accepted them all by the time the in-flight requests below reach it.
    if (preconnected > 0) {
      const ready = reply('preconnected');
      load.send({ type: 'preconnect', port: p, n: preconnected });
      await withTimeout(ready, 60_000, `${preconnected} preconnected sockets`);
    }
    if (sio > 0) {
      const ready = reply('sio-ready');
      load.send({ type: 'sio', port: p, n: sio });
      await withTimeout(ready, 60_000, `${sio} socket.io clients`);
    }

    const end = Date.now() + leadMs + workMs;
    const allReceived = new Promise((resolve) => {
      onReceived = () => received >= inflightCount && resolve();
    });
    load.send({ type: 'inflight', port: p, count: inflightCount, end });
    await withTimeout(allReceived, 30_000, `${inflightCount} in-flight requests reaching the server`);
    const wait = end - workMs - Date.now();
    if (wait > 0) await sleep(wait);

    let last = procStatus(server.pid);
    if (!last) throw new Error(`server died before SIGTERM: ${stderr}`);
    let aliveUntil = Date.now();
    const workLeft = end - aliveUntil;
    const sentAt = process.hrtime.bigint();
    server.kill('SIGTERM');
    // VmHWM is the peak so far: its last reading before the exit is the run's peak.
    const poll = setInterval(() => {
      const at = Date.now();
      const status = procStatus(server.pid);
      if (!status) return clearInterval(poll);
      last = status;
      aliveUntil = at;
    }, 5);
    let exit;
    try {
      exit = await withTimeout(exited, deadlineMs + 15_000, `${tool.name} exiting`);
    } finally {
      clearInterval(poll);
    }
    const exitMs = Number(exit.at - sentAt) / 1e6;
    const report = reply('report');
    load.send({ type: 'report', aliveUntil });
    const { lost, idleOpen, inflightOpen, preOpen } = await withTimeout(report, 30_000, 'load report');
    const code = exit.code ?? 128 + (constants.signals[exit.signal] ?? 0);
    // The server's own count, printed as it exits (the last line wins). Without one (a server killed from outside):
    // the lower of two counts that can only be too high: the server's sockets (from /proc) at the last poll, which
    // may be a few ms old, and its clients' count, whose close stamps lag when they are busy.
    const stdoutEnded = new Promise((resolve) => (server.stdout.readableEnded ? resolve() : server.stdout.once('end', resolve)));
    await withTimeout(stdoutEnded, 10_000, `${tool.name} stdout`);
    const clientCount = idleOpen + inflightOpen + preOpen;
    let openAtExit = openAtExitLine ?? clientCount;
    if (openAtExitLine === null && last.sockets !== null && baseSockets !== null)
      openAtExit = Math.min(clientCount, last.sockets - baseSockets);
    else if (openAtExitLine === null && last.fds !== null && baseFds !== null)
      openAtExit = Math.min(clientCount, Math.max(0, last.fds - baseFds));
    return {
      exitMs,
      workLeft,
      overhead: exitMs - workLeft,
      lost,
      code,
      rssMiB: last.hwmKiB / 1024,
      openAtExit,
      counted: openAtExitLine !== null,
      idleOpen,
      inflightOpen,
      preOpen,
      idleMs,
    };
  } finally {
    server.kill('SIGKILL');
    load.kill('SIGKILL');
    await exited;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const started = Date.now();
const loadAtStart = loadavg();
/** app -> n -> rows of { tool, res[] } */
const tables = new Map();
try {
  process.stderr.write('building the generated module variants...\n');
  const t0 = Date.now();
  const list = await tools();
  process.stderr.write(`built in ${Date.now() - t0} ms\n`);
  const results = new Map(); // `${app}\0${n}\0${name}` -> results[]
  const errors = new Map();
  // Rounds outermost, every app, size and tool inside each: a change of machine load hits every row alike.
  for (let r = 1; r <= runs; r++) {
    for (const app of apps) {
      for (const n of sizes) {
        for (const tool of list.filter((t) => t.apps.includes(app))) {
          const key = `${app}\0${n}\0${tool.name}`;
          try {
            const res = await runOnce(tool, n, app);
            results.set(key, [...(results.get(key) ?? []), res]);
            process.stderr.write(
              `[${r}/${runs}] ${app} N=${n} ${tool.name}: exit ${res.exitMs.toFixed(0)} ms (work left ${res.workLeft}), ` +
                `lost ${res.lost}, code ${res.code}, peak RSS ${res.rssMiB.toFixed(0)} MiB, open at exit ${res.openAtExit}${res.counted ? '' : ' (counted from outside)'} ` +
                `(clients saw ${res.idleOpen} idle + ${res.inflightOpen} in-flight + ${res.preOpen} preconnected); ${n} idle opened in ${res.idleMs} ms; load ${fmtLoad(loadavg())}\n`,
            );
          } catch (error) {
            errors.set(key, String(error.message ?? error).split('\n')[0]);
            process.stderr.write(`[${r}/${runs}] ${app} N=${n} ${tool.name}: FAILED ${error.stack ?? error}\n`);
          }
        }
      }
    }
  }
  for (const app of apps) {
    const bySize = new Map();
    for (const n of sizes) {
      const rows = [];
      for (const tool of list.filter((t) => t.apps.includes(app))) {
        const key = `${app}\0${n}\0${tool.name}`;
        const res = results.get(key) ?? [];
        if (errors.has(key))
          notes.push(`${APP_NAMES[app]}, ${tool.name}, N=${n}: ${res.length}/${runs} runs succeeded; last error: ${errors.get(key)}`);
        if (res.length) rows.push({ tool, res });
      }
      bySize.set(n, rows);
    }
    tables.set(app, bySize);
  }
} finally {
  cleanup();
}

function fmtLoad(l) {
  return l.map((x) => x.toFixed(1)).join(' / ');
}
const args = process.argv.slice(2).join(' ');
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ` +
    `load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadavg())} at end; ${((Date.now() - started) / 1000).toFixed(0)} s.`,
);
console.log(
  `Command: \`npm run bench:drain${args ? ` -- ${args}` : ''}\` (\`node ${relative(process.cwd(), join(HERE, 'run.mjs')) || 'run.mjs'}${args ? ` ${args}` : ''}\`)`,
);
console.log(
  `Each row: median of ${runs} run(s), rounds alternating over every row; a fresh server per run with N idle keep-alive connections (keepAliveTimeout 65 s), ` +
    `${preconnected} preconnected sockets (connected, no request), ${inflightCount} in-flight requests ending ${workMs} ms after SIGTERM, ` +
    `and on socket.io ${sioCount} connected clients; deadline ${deadlineMs} ms for every tool.`,
);
for (const [app, bySize] of tables) {
  console.log(`\n#### ${APP_NAMES[app]}\n`);
  console.log(
    '| tool | idle conns | SIGTERM → exit ms | ratio to best peer | overhead ms (exit − work left) | lost | exit code | peak RSS MiB | conns open at exit |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [n, rows] of bySize) {
    const med = (res, f) => median(res.map(f));
    const peers = rows.filter((r) => !notPeer(r.tool) && med(r.res, (x) => x.lost) === 0 && r.res.every((x) => CLEAN_EXIT.has(x.code)));
    const best = peers.length ? Math.min(...peers.map((r) => med(r.res, (x) => x.exitMs))) : null;
    const bestName = peers.find((r) => med(r.res, (x) => x.exitMs) === best)?.tool.name;
    for (const { tool, res } of rows) {
      const exitMs = med(res, (x) => x.exitMs);
      const ratio = best ? (exitMs / best).toFixed(3) : '–';
      const codes = [...new Set(res.map((x) => x.code))].join(' / ');
      const name = tool.name === bestName ? `${tool.name} (best peer)` : tool.name;
      console.log(
        `| ${name} | ${n.toLocaleString('en')} | ${exitMs.toFixed(0)} | ${ratio} | ${med(res, (x) => x.overhead).toFixed(0)} | ` +
          `${med(res, (x) => x.lost)} | ${codes} | ${med(res, (x) => x.rssMiB).toFixed(0)} | ${med(res, (x) => x.openAtExit)} |`,
      );
    }
  }
}
console.log(
  "\nratio to best peer: the row's median exit time over that of the quickest peer (not ours, the seed or the reference) " +
    'that lost no in-flight request and exited cleanly (0, or 143 from re-raising SIGTERM), same app and N. lost: in-flight requests without a 200 response. conns open at exit: connections the server still had when ' +
    'it exited (its own count of sockets not yet destroyed, printed on process exit or just before it signals itself). ' +
    'The in-flight clients keep their connection open after the response, as keep-alive agents and proxies do. ' +
    'peak RSS: VmHWM of the server process, read every 5 ms until it exits. ' +
    'The reference row is no tool: it closes the idle connections at SIGTERM and exits at its last response write, waiting ' +
    'for nothing else; its overhead is the cost of the measurement on this machine.',
);
for (const note of notes) console.log(`\nNote: ${note}`);
