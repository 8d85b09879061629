// Prints a Markdown table of `verify` on every fixture repo of test/verify/repos, unmodified and after
// the CLI's --yes (run: npm run build && node test/verify/corpus-table.mjs). Each repo is copied to a
// temp dir first; nothing in this repository is written. Names given as arguments run only those repos.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'create-graceful-shutdown.js');
const cases = [
  ['express-api', []],
  ['fastify-api', []],
  ['nest-api', [], 'tsc'],
  ['socketio-chat', ['--ws', '/socket.io/?EIO=4&transport=websocket']],
  ['fastapi-uvicorn', []],
  ['flask-gunicorn', []],
];

function prepare(name, build) {
  const dir = mkdtempSync(join(tmpdir(), `cgs-corpus-${name}-`));
  cpSync(join(root, 'test', 'verify', 'repos', name), dir, { recursive: true });
  if (existsSync(join(dir, 'package.json'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, build: () => build && spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir }) };
}

function verify(dir, extra) {
  const r = spawnSync(process.execPath, [bin, 'verify', dir, '--json', ...extra], { encoding: 'utf8', env: { ...process.env, CI: '' } });
  const j = JSON.parse(r.stdout);
  const exit = j.exit_code !== null ? `code ${j.exit_code}` : j.signal;
  return `${j.exit_ms} ms, ${exit}${j.killed ? ' (killed)' : ''}, ${j.lost} lost, ${j.answered} answered, ${j.retried} retried${j.ws_close_codes.length ? `, WS ${[...new Set(j.ws_close_codes)].join('/')}` : ''}; verify exit ${r.status}`;
}

console.log('| repo | unmodified | after `--yes` |');
console.log('| --- | --- | --- |');
const only = process.argv.slice(2);
for (const [name, extra, build] of cases.filter(([name]) => only.length === 0 || only.includes(name))) {
  const before = prepare(name, build);
  before.build();
  const a = verify(before.dir, extra);
  const after = prepare(name, build);
  spawnSync(process.execPath, [bin, after.dir, '--yes'], { encoding: 'utf8', env: { ...process.env, CI: '' } });
  after.build();
  const b = verify(after.dir, extra);
  console.log(`| ${name} | ${a} | ${b} |`);
  rmSync(before.dir, { recursive: true, force: true });
  rmSync(after.dir, { recursive: true, force: true });
}
