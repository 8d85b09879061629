#!/usr/bin/env node
// Manifest scale: a generated npm-workspaces monorepo of N apps (package.json with a start script
// and an http server.js each), treated with --yes; then a re-run (nothing to do) and --check.
// The same three runs on N/4 apps first, as a yardstick measured in the same loop: it prints the wall
// and CPU time of each run at both sizes, the per-app cost (the time the extra apps added, per app) and the
// growth from N/4 to N apps. Work per app grows at most 4x (less, with the fixed start-up cost; each
// app's Dockerfile copies every workspace manifest, so the Dockerfiles hold N x N lines, which add a
// little even parsed once); work per app and per app grows 16x. Exits 1 when a run grows by
// --max-growth (10) or more.
// Usage: npm run build && node bench/manifest-scale.mjs [--apps 200] [--max-growth 10]
// Results: bench/MANIFEST-SCALE-RESULTS.md
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'create-graceful-shutdown.js');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const apps = flag('--apps', 200);
const maxGrowth = flag('--max-growth', 10);
const yardstick = Math.max(1, Math.round(apps / 4));

function monorepo(n) {
  const dir = mkdtempSync(join(tmpdir(), 'cgs-bench-mono-'));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }, null, 2)}\n`);
  for (let i = 1; i <= n; i++) {
    const app = join(dir, 'apps', `app-${i}`);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: `app-${i}`, scripts: { start: 'node server.js' } }, null, 2)}\n`);
    writeFileSync(
      join(app, 'server.js'),
      'const http = require("node:http");\n\nhttp.createServer((req, res) => res.end("ok\\n")).listen(Number(process.env.PORT ?? 3000));\n',
    );
  }
  return dir;
}

// The CLI's own CPU time (user + system, all its threads), written by the child as it exits: on a
// machine shared with other work the wall time says more about the others than about the CLI.
const cpuDir = mkdtempSync(join(tmpdir(), 'cgs-bench-cpu-'));
const cpuHook = join(cpuDir, 'hook.mjs');
writeFileSync(
  cpuHook,
  "import { writeFileSync } from 'node:fs';\n" +
    "process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.CGS_BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n",
);

function timed(dir, args) {
  const cpuFile = join(cpuDir, 'cpu.txt');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(cpuHook).href, bin, dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', CGS_BENCH_CPU_FILE: cpuFile },
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(readFileSync(cpuFile, 'utf8')) };
}

/** The three runs on a fresh monorepo of n apps: wall times and the manifest size. */
function threeRuns(n) {
  const dir = monorepo(n);
  try {
    const first = timed(dir, ['--yes']);
    const size = statSync(join(dir, '.graceful-shutdown.json')).size;
    const second = timed(dir, ['--yes']);
    const check = timed(dir, ['--check']);
    return { ms: { first, second, check }, size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const small = threeRuns(yardstick);
const large = threeRuns(apps);
const names = { first: 'first run (--yes)', second: 're-run (nothing to do)', check: '--check' };
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')}`,
);
console.log(`apps: ${apps}; manifest: ${large.size} bytes (${yardstick} apps: ${small.size} bytes)`);
let failed = false;
for (const run of ['first', 'second', 'check']) {
  const [l, s] = [large.ms[run], small.ms[run]];
  // Per app: what the extra apps added, per app. Growth is judged on CPU time (the wall time is printed too).
  const perApp = (l.cpu - s.cpu) / (apps - yardstick);
  const growth = l.cpu / s.cpu;
  const over = growth >= maxGrowth;
  failed ||= over;
  console.log(
    `${names[run]}: ${apps} apps ${l.wall.toFixed(0)} ms wall, ${l.cpu.toFixed(0)} ms CPU; ${yardstick} apps ${s.wall.toFixed(0)} ms wall, ${s.cpu.toFixed(0)} ms CPU; ` +
      `per app ${perApp.toFixed(1)} ms CPU; growth ${growth.toFixed(2)}x${over ? ` (over ${maxGrowth}x: not work per app)` : ''}`,
  );
}
rmSync(cpuDir, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
