#!/usr/bin/env node
// Runs the tool's main job on the bundled example repo: copies examples/<name> to a temp dir,
// runs `create-graceful-shutdown --yes` there, and shows what it wrote (a git diff of the copy).
import { cpSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..');
const name = process.argv[2] ?? 'shop-api';
const dir = mkdtempSync(join(tmpdir(), `cgs-example-${name}-`));
cpSync(join(root, 'examples', name), dir, { recursive: true });
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=example', '-c', 'user.email=example@localhost', ...args], { cwd: dir, stdio: 'pipe' });
git('init', '-q');
git('add', '-A');
git('commit', '-qm', 'example before create-graceful-shutdown');

console.log(`$ create-graceful-shutdown --yes   (in a copy of examples/${name}: ${dir})\n`);
const run = spawnSync(process.execPath, [join(root, 'bin', 'create-graceful-shutdown.js'), '--yes'], { cwd: dir, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

git('add', '-A');
console.log('\n$ git diff --cached --stat\n');
console.log(git('diff', '--cached', '--stat').toString());
console.log(`The full change: cd ${dir} && git diff --cached`);
