#!/usr/bin/env node
// Manifest scale: a generated npm-workspaces monorepo of N apps (package.json with a start script
// and an http server.js each), treated with --yes; then a re-run (nothing to do) and --check.
// Prints the manifest size and the wall time of each of the three runs.
// Usage: npm run build && node bench/manifest-scale.mjs [--apps 200]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'create-graceful-shutdown.js');
const at = process.argv.indexOf('--apps');
const apps = at === -1 ? 200 : Number(process.argv[at + 1]);

const dir = mkdtempSync(join(tmpdir(), 'cgs-bench-mono-'));
writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }, null, 2)}\n`);
for (let i = 1; i <= apps; i++) {
  const app = join(dir, 'apps', `app-${i}`);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: `app-${i}`, scripts: { start: 'node server.js' } }, null, 2)}\n`);
  writeFileSync(join(app, 'server.js'), 'const http = require("node:http");\n\nhttp.createServer((req, res) => res.end("ok\\n")).listen(Number(process.env.PORT ?? 3000));\n');
}

function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, dir, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const first = timed(['--yes']);
const size = statSync(join(dir, '.graceful-shutdown.json')).size;
const second = timed(['--yes']);
const check = timed(['--check']);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
console.log(`apps: ${apps}; manifest: ${size} bytes`);
console.log(`first run (--yes): ${first.toFixed(0)} ms; re-run (nothing to do): ${second.toFixed(0)} ms; --check: ${check.toFixed(0)} ms`);
rmSync(dir, { recursive: true, force: true });
