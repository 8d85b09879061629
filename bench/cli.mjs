#!/usr/bin/env node
// CLI start-up as ratios to a bare `node -e 0` measured in the same loop: each round runs, one after the
// other, a bare node start, `--help`, `--yes --dry-run` on a TypeScript fixture repo (not yet wired: the run
// loads ts-morph to wire it) and the same on a copy of it that the CLI has already wired (a re-run, which
// must not need ts-morph). Rounds alternate the commands, so a change of machine load hits them alike; the
// ratio of each command is the median over rounds of (its time / that round's bare start). Absolute times
// are printed too, but on a loaded machine only the ratios mean something.
// The CLI keeps compiled code between runs: Node's compile cache on Node >= 22.1 (bin/), its own V8 code
// cache for ts-morph before that (src/cli/code-cache.ts); the rows run with it warm, and `compile cache off`
// rows run with NODE_DISABLE_COMPILE_CACHE=1 (which turns off either) alongside them.
//   npm run bench:cli [-- --runs 15 --repo express-ts-esm --node /path/to/node --all]
//   --all: also `--yes --dry-run` on every fixture repo and on a generated repo of 100,000 files.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'create-graceful-shutdown.js');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    repo: { type: 'string', default: 'express-ts-esm' },
    node: { type: 'string', default: process.execPath },
    all: { type: 'boolean', default: false },
  },
});
const runs = Number(opts.runs);
const node = opts.node;
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const [major, minor] = nodeVersion.slice(1).split('.').map(Number);
const hasCompileCache = major > 22 || (major === 22 && minor >= 1);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * One fresh process: its wall time and its CPU time (user + system, from bash's `times`), in ms; throws when
 * the CLI fails. CPU time is what the process itself spent: far less swayed by other processes than wall
 * time, which on a loaded machine is mostly waiting for a core.
 */
function time(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const script = '"$@" >/dev/null 2>&1; s=$?; times; exit $s';
  const r = spawnSync('bash', ['-c', script, 'bash', node, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}`);
  // `times` prints the shell's own times, then its children's: "0m0.060s 0m0.010s".
  const children = r.stdout.trim().split('\n').pop() ?? '';
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
  return { wall, cpu };
}

const tmp = mkdtempSync(join(tmpdir(), 'cgs-bench-cli-'));
const fixture = join(root, 'test', 'fixtures', 'repos', opts.repo);
const wired = join(tmp, 'wired');
cpSync(fixture, wired, { recursive: true });
time([bin, wired, '--yes']);
const ms = (t) => t.wall;

const noCache = { NODE_DISABLE_COMPILE_CACHE: '1' };
const commands = [
  ['bare `node -e 0`', ['-e', '0']],
  ['`--help`', [bin, '--help']],
  [`\`--yes --dry-run\` ${opts.repo} (wires the entrypoint: loads ts-morph)`, [bin, fixture, '--yes', '--dry-run']],
  [`\`--yes --dry-run\` ${opts.repo}, already wired (re-run)`, [bin, wired, '--yes', '--dry-run']],
];
for (const [what, args] of commands.slice(1)) commands.push([`${what}, compile cache off`, args, noCache]);
// Warm-up: fills the compile cache and the OS file cache.
for (const [, args, env] of commands) time(args, env);

const loadAtStart = loadavg();
const times = commands.map(() => []);
for (let r = 0; r < runs; r++) commands.forEach(([, args, env], i) => times[i].push(time(args, env)));
const loadAtEnd = loadavg();

const fmtLoad = (l) => l.map((x) => x.toFixed(1)).join(' / ');
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${nodeVersion} (${hasCompileCache ? "Node's compile cache" : "no module.enableCompileCache: the CLI's own code cache of its bundle and ts-morph"}); ` +
    `load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end; ${runs} rounds, each command once per round, a fresh process each.`,
);
console.log(`Command: \`node bench/cli.mjs ${process.argv.slice(2).join(' ')}\`\n`);
console.log(
  '| what | wall-time ratio to bare node (median of per-round ratios) | CPU-time ratio (same) | median wall ms | min | max | median CPU ms |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
commands.forEach(([what], i) => {
  const wallRatios = times[i].map((t, r) => t.wall / times[0][r].wall);
  const cpuRatios = times[i].map((t, r) => t.cpu / times[0][r].cpu);
  const xs = times[i].map(ms);
  console.log(
    `| ${what} | ${median(wallRatios).toFixed(2)} | ${median(cpuRatios).toFixed(2)} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ${median(times[i].map((t) => t.cpu)).toFixed(0)} |`,
  );
});

if (opts.all) {
  const rows = [];
  const timeCli = (args) => {
    const xs = [];
    const bare = [];
    for (let i = 0; i < Math.min(runs, 5); i++) {
      bare.push(time(['-e', '0']).wall);
      xs.push(time([bin, ...args]).wall);
    }
    return { ratio: median(xs.map((t, i) => t / bare[i])), median: median(xs) };
  };
  const repos = join(root, 'test', 'fixtures', 'repos');
  for (const name of readdirSync(repos).sort()) {
    if (name === 'no-package-json') continue;
    try {
      rows.push([`\`--yes --dry-run\` ${name}`, timeCli([join(repos, name), '--yes', '--dry-run'])]);
    } catch {
      // fixtures that are refused on purpose (exit 1/2) are not start-up figures
    }
  }
  // A repo of 100,000 files: 96,000 in node_modules and an ignored build folder, 4,000 in src.
  const big = join(tmp, 'big');
  mkdirSync(big);
  writeFileSync(
    join(big, 'package.json'),
    JSON.stringify({ name: 'big', scripts: { start: 'node src/server.js' }, dependencies: { express: '5' } }),
  );
  writeFileSync(join(big, '.gitignore'), 'build/\n');
  const fill = (dir, n, perDir) => {
    for (let d = 0; d * perDir < n; d++) {
      const sub = join(dir, `d${d}`);
      mkdirSync(sub, { recursive: true });
      for (let f = 0; f < perDir && d * perDir + f < n; f++) writeFileSync(join(sub, `f${f}.js`), 'module.exports = 1;\n');
    }
  };
  fill(join(big, 'node_modules'), 60_000, 500);
  fill(join(big, 'build'), 36_000, 500);
  fill(join(big, 'src', 'lib'), 3_997, 400);
  writeFileSync(join(big, 'src', 'server.js'), "require('express')().listen(3000);\n");
  rows.push(['`--yes --dry-run` on a 100,000-file repo', timeCli([big, '--yes', '--dry-run'])]);
  console.log('\n| what (each after a bare node start, up to 5 rounds) | ratio to bare node | median ms |');
  console.log('| --- | ---: | ---: |');
  for (const [what, t] of rows) console.log(`| ${what} | ${t.ratio.toFixed(2)} | ${t.median.toFixed(0)} |`);
}
rmSync(tmp, { recursive: true, force: true });
