#!/usr/bin/env node
// Drain benchmark: how fast does each shutdown tool take a loaded node:http server from SIGTERM to exit?
// Rows: the generated module (each variant), the seed's JS template, stoppable, @godaddy/terminus,
// http-terminator and close-with-grace, each driving the same server (servers/app.mjs) in the same run.
// Load per run: N idle keep-alive connections (keepAliveTimeout 65 s) and 100 in-flight requests that all end
// 1 s after SIGTERM (the floor: no tool can exit sooner without losing them). Every tool gets the same
// deadline (--deadline, default 8000 ms, the generated module's default), through its own option.
// Prints a Markdown table of medians on stdout; progress goes to stderr.
//
//   npm run bench:drain [-- --runs 3 --n 1000,10000 --only stoppable,terminus --deadline 8000 --quick]
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

/** Every row: name, server script, extra environment. */
async function tools() {
  const built = await buildVariants(ROOT, tmp);
  const list = VARIANTS.map((v) => ({
    name: `generated ${v}`,
    script: 'generated.mjs',
    env: { SHUTDOWN_MODULE: built[v].file, SHUTDOWN_LOADER: built[v].loader },
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
      env: { SEED_MODULE: seed.file, NODE_PATH: join(ROOT, 'node_modules'), GRACEFUL_SHUTDOWN_TIMEOUT_MS: String(deadlineMs) },
    });
  } else notes.push(`seed JS template skipped: ${seed.skipped}`);
  for (const peer of ['stoppable', '@godaddy/terminus', 'http-terminator', 'close-with-grace']) {
    list.push({ name: peer === 'close-with-grace' ? 'close-with-grace + server.close()' : peer, script: `${peer.replace('@godaddy/', '')}.mjs`, env: {} });
  }
  list.push({ name: 'reference: exit at last response', script: 'reference.mjs', env: {} });
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
async function runOnce(tool, n) {
  const fds = n + inflightCount + 200;
  const env = { ...process.env, DRAIN_DEADLINE_MS: String(deadlineMs), ...tool.env };
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
    const { lost, idleOpen, inflightOpen } = await withTimeout(report, 30_000, 'load report');
    const code = exit.code ?? 128 + (constants.signals[exit.signal] ?? 0);
    // The server's own count, printed as it exits (the last line wins). Without one (a server killed from outside):
    // the lower of two counts that can only be too high: the server's sockets (from /proc) at the last poll, which
    // may be a few ms old, and its clients' count, whose close stamps lag when they are busy.
    const stdoutEnded = new Promise((resolve) => (server.stdout.readableEnded ? resolve() : server.stdout.once('end', resolve)));
    await withTimeout(stdoutEnded, 10_000, `${tool.name} stdout`);
    const clientCount = idleOpen + inflightOpen;
    let openAtExit = openAtExitLine ?? clientCount;
    if (openAtExitLine === null && last.sockets !== null && baseSockets !== null) openAtExit = Math.min(clientCount, last.sockets - baseSockets);
    else if (openAtExitLine === null && last.fds !== null && baseFds !== null) openAtExit = Math.min(clientCount, Math.max(0, last.fds - baseFds));
    return { exitMs, workLeft, overhead: exitMs - workLeft, lost, code, rssMiB: last.hwmKiB / 1024, openAtExit, counted: openAtExitLine !== null, idleOpen, inflightOpen, idleMs };
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
let rows;
try {
  process.stderr.write('building the generated module variants...\n');
  const t0 = Date.now();
  const list = await tools();
  process.stderr.write(`built in ${Date.now() - t0} ms\n`);
  const results = new Map(); // `${n}\0${name}` -> results[]
  const errors = new Map();
  for (let r = 1; r <= runs; r++) {
    for (const n of sizes) {
      for (const tool of list) {
        const key = `${n}\0${tool.name}`;
        try {
          const res = await runOnce(tool, n);
          results.set(key, [...(results.get(key) ?? []), res]);
          process.stderr.write(
            `[${r}/${runs}] N=${n} ${tool.name}: exit ${res.exitMs.toFixed(0)} ms (work left ${res.workLeft}), ` +
              `lost ${res.lost}, code ${res.code}, peak RSS ${res.rssMiB.toFixed(0)} MiB, open at exit ${res.openAtExit}${res.counted ? '' : ' (counted from outside)'} (clients saw ${res.idleOpen} idle + ${res.inflightOpen} in-flight); ${n} idle opened in ${res.idleMs} ms\n`,
          );
        } catch (error) {
          errors.set(key, String(error.message ?? error).split('\n')[0]);
          process.stderr.write(`[${r}/${runs}] N=${n} ${tool.name}: FAILED ${error.stack ?? error}\n`);
        }
      }
    }
  }
  rows = [];
  for (const n of sizes) {
    for (const tool of list) {
      const key = `${n}\0${tool.name}`;
      const res = results.get(key) ?? [];
      if (errors.has(key)) notes.push(`${tool.name}, N=${n}: ${res.length}/${runs} runs succeeded; last error: ${errors.get(key)}`);
      if (!res.length) continue;
      const med = (f) => median(res.map(f));
      const codes = [...new Set(res.map((x) => x.code))].join(' / ');
      rows.push(
        `| ${tool.name} | ${n.toLocaleString('en')} | ${med((x) => x.overhead).toFixed(0)} | ${med((x) => x.exitMs).toFixed(0)} | ` +
          `${med((x) => x.workLeft).toFixed(0)} | ${med((x) => x.lost)} | ${codes} | ${med((x) => x.rssMiB).toFixed(0)} | ${med((x) => x.openAtExit)} |`,
      );
    }
  }
} finally {
  cleanup();
}

const fmtLoad = (l) => l.map((x) => x.toFixed(1)).join(' / ');
const args = process.argv.slice(2).join(' ');
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ` +
  `load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadavg())} at end; ${((Date.now() - started) / 1000).toFixed(0)} s.`);
console.log(`Command: \`npm run bench:drain${args ? ` -- ${args}` : ''}\` (\`node ${relative(process.cwd(), join(HERE, 'run.mjs')) || 'run.mjs'}${args ? ` ${args}` : ''}\`)`);
console.log(`Each row: median of ${runs} run(s); a fresh server per run with N idle keep-alive connections (keepAliveTimeout 65 s) ` +
  `and ${inflightCount} in-flight requests ending ${workMs} ms after SIGTERM; deadline ${deadlineMs} ms for every tool.\n`);
console.log('| tool | idle conns | overhead ms (exit − work left) | SIGTERM → exit ms | work left ms | lost | exit code | peak RSS MiB | conns open at exit |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log('\nlost: in-flight requests without a 200 response. conns open at exit: connections the server still had when ' +
  'it exited (its own count of sockets not yet destroyed, printed on process exit or just before it signals itself). ' +
  'The in-flight clients keep their connection open after the response, as keep-alive agents and proxies do. ' +
  'peak RSS: VmHWM of the server process, read every 5 ms until it exits. ' +
  'The reference row is no tool: it closes the idle connections at SIGTERM and exits at its last response write, waiting ' +
  'for nothing else; its overhead is the cost of the measurement on this machine.');
for (const note of notes) console.log(`\nNote: ${note}`);
