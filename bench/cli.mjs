#!/usr/bin/env node
// CLI speed: wall time of `--yes --dry-run` on every fixture repo and of `--help` (median of N runs,
// each a fresh process, as npx users pay it), and detection alone on a generated repo of 100,000
// files (node_modules and .gitignored folders included, which detection must not enter).
// Usage: npm run bench:cli [-- --runs 9]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'create-graceful-shutdown.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCli(args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const rows = [];
const help = timeCli(['--help']);
rows.push(['`--help`', help]);
const repos = join(root, 'test', 'fixtures', 'repos');
for (const name of readdirSync(repos).sort()) {
  if (name === 'no-package-json') continue;
  rows.push([`\`--yes --dry-run\` ${name}`, timeCli([join(repos, name), '--yes', '--dry-run'])]);
}

// A repo of 100,000 files: 96,000 in node_modules and an ignored build folder, 4,000 in src.
const big = mkdtempSync(join(tmpdir(), 'cgs-bench-big-'));
writeFileSync(join(big, 'package.json'), JSON.stringify({ name: 'big', scripts: { start: 'node src/server.js' }, dependencies: { express: '5' } }));
writeFileSync(join(big, '.gitignore'), 'build/\n');
let count = 2;
const fill = (dir, n, perDir) => {
  for (let d = 0; count < Infinity && d * perDir < n; d++) {
    const sub = join(dir, `d${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < perDir && d * perDir + f < n; f++) {
      writeFileSync(join(sub, `f${f}.js`), 'module.exports = 1;\n');
      count++;
    }
  }
};
fill(join(big, 'node_modules'), 60_000, 500);
fill(join(big, 'build'), 36_000, 500);
fill(join(big, 'src', 'lib'), 3_997, 400);
writeFileSync(join(big, 'src', 'server.js'), "require('express')().listen(3000);\n");
count++;
const { detect } = await import(join(root, 'dist', 'detect', 'index.js'));
const detectTimes = [];
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  detect(big);
  detectTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
rows.push([`detection only, ${count.toLocaleString('en')} files (in-process)`, { median: median(detectTimes), min: Math.min(...detectTimes), max: Math.max(...detectTimes) }]);
rows.push([`\`--yes --dry-run\` on the ${count.toLocaleString('en')}-file repo`, timeCli([big, '--yes', '--dry-run'])]);
rmSync(big, { recursive: true, force: true });

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${runs} runs each, fresh process per run.\n`);
console.log('| what | median ms | min | max |');
console.log('| --- | ---: | ---: | ---: |');
for (const [what, t] of rows) console.log(`| ${what} | ${t.median.toFixed(0)} | ${t.min.toFixed(0)} | ${t.max.toFixed(0)} |`);
