// Requests queued in gunicorn's listen backlog at SIGTERM: how many get an answer?
// Usage: node bench/gunicorn-backlog/measure.mjs [--runs N]
// For each variant: a real Flask app (Debian's flask + gunicorn), 2 workers, REQUESTS concurrent
// requests of WORK_SECONDS each (so 2 (sync) or 2 x threads (gthread) are in flight and the rest
// wait in the backlog), SIGTERM to the master SIGNAL_AFTER_MS after the last request was sent.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REQUESTS = 10;
const WORK_SECONDS = 1;
const SIGNAL_AFTER_MS = 300;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 1) || 1;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

// The gunicorn.conf.py the tool writes for a Flask app without one (graceful_timeout 30, as the
// other variants' --graceful-timeout), rendered by the built tool: run `npm run build` first.
const { renderGunicornConf } = await import('../../dist/edits/gunicorn-conf.js');
const generatedDir = mkdtempSync(join(tmpdir(), 'gunicorn-backlog-'));
const GENERATED = join(generatedDir, 'gunicorn.conf.py');
writeFileSync(GENERATED, renderGunicornConf({ handlersModule: 'signal_handlers', gracefulTimeout: 30 }));
process.on('exit', () => rmSync(generatedDir, { recursive: true, force: true }));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}
function get(port) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/work', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ ok: res.statusCode === 200 && body === 'done', ms: performance.now() - started }));
    });
    req.on('error', (e) => resolve({ ok: false, error: e.code, ms: performance.now() - started }));
    req.end();
  });
}
async function healthy(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => {
      const q = request({ host: '127.0.0.1', port, path: '/nope', agent: false }, (res) => {
        res.resume();
        r(true);
      });
      q.on('error', () => r(false));
      q.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gunicorn did not start');
}

async function once(variant) {
  const port = await freePort();
  const args = [
    '--bind',
    `127.0.0.1:${port}`,
    '--workers',
    '2',
    '--graceful-timeout',
    '30',
    '--worker-class',
    variant.worker,
    ...(variant.threads ? ['--threads', String(variant.threads)] : []),
    ...(variant.conf ? ['--config', isAbsolute(variant.conf) ? variant.conf : join(HERE, variant.conf)] : []),
    'app:app',
  ];
  const child = spawn('/usr/bin/gunicorn', args, {
    cwd: HERE,
    env: {
      PATH: process.env.PATH,
      PYTHONDONTWRITEBYTECODE: '1',
      WORK_SECONDS: String(WORK_SECONDS),
      DELAY_SECONDS: String(variant.delay ?? 0),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal, at: performance.now() })));
  await healthy(port);
  // Both workers have imported the app once a request was answered by each; give them a moment.
  await new Promise((r) => setTimeout(r, 500));
  const replies = Array.from({ length: REQUESTS }, () => get(port));
  await new Promise((r) => setTimeout(r, SIGNAL_AFTER_MS));
  const signalled = performance.now();
  child.kill('SIGTERM');
  const results = await Promise.all(replies);
  const exit = await exited;
  return {
    answered: results.filter((r) => r.ok).length,
    errors: [...new Set(results.filter((r) => !r.ok).map((r) => r.error ?? 'bad reply'))],
    stopMs: Math.round(exit.at - signalled),
    exit: exit.code ?? exit.signal,
  };
}

const VARIANTS = [
  { name: 'sync, no delay', worker: 'sync' },
  { name: 'gthread (2 threads), no delay', worker: 'gthread', threads: 2 },
  { name: 'sync, 2 s readiness delay', worker: 'sync', conf: 'delay.conf.py', delay: 2 },
  { name: 'gthread (2 threads), 2 s readiness delay', worker: 'gthread', threads: 2, conf: 'delay.conf.py', delay: 2 },
  { name: 'sync, 5 s readiness delay', worker: 'sync', conf: 'delay.conf.py', delay: 5 },
  { name: "sync, the tool's gunicorn.conf.py (backlog drain), no delay", worker: 'sync', conf: GENERATED },
  { name: "gthread (2 threads), the tool's gunicorn.conf.py, no delay", worker: 'gthread', threads: 2, conf: GENERATED },
].filter((v) => only === null || v.name.includes(only));

console.log(
  `${REQUESTS} concurrent requests of ${WORK_SECONDS} s, 2 workers, SIGTERM ${SIGNAL_AFTER_MS} ms after they were sent; ${runs} run(s) each`,
);
console.log('| variant | answered | errors | SIGTERM -> exit | exit |');
console.log('| --- | --- | --- | --- | --- |');
for (const v of VARIANTS) {
  for (let i = 0; i < runs; i++) {
    const r = await once(v);
    console.log(`| ${v.name} | ${r.answered}/${REQUESTS} | ${r.errors.join(', ') || '-'} | ${r.stopMs} ms | ${r.exit} |`);
  }
}
