#!/usr/bin/env node
// Footprint: what `npm pack` ships, and what installing the tarball costs a user (size on disk and
// number of packages), measured by a real install into an empty temp project.
// Usage: npm run bench:footprint
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'cgs-footprint-'));
const info = JSON.parse(
  execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
)[0];

const byTop = {};
for (const f of info.files) {
  const top = f.path.includes('/') ? `${f.path.split('/')[0]}/` : f.path;
  byTop[top] = (byTop[top] ?? 0) + f.size;
}

const project = join(work, 'project');
execFileSync('mkdir', ['-p', project]);
writeFileSync(join(project, 'package.json'), '{ "name": "probe", "private": true }');
execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, info.filename)], { cwd: project, stdio: 'pipe' });

function du(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += du(p);
    else if (e.isFile()) total += lstatSync(p).size;
  }
  return total;
}
const nm = join(project, 'node_modules');
const lock = JSON.parse(execFileSync('cat', [join(project, 'package-lock.json')], { encoding: 'utf8' }));
const packages = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/'));
const biggest = packages
  .filter((k) => !k.slice('node_modules/'.length).includes('node_modules/'))
  .map((k) => [k.slice('node_modules/'.length), du(join(project, k))])
  .sort((a, b) => b[1] - a[1])
  .slice(0, 6);

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`Tarball ${info.filename}: ${kb(info.size)} packed, ${kb(info.unpackedSize)} unpacked, ${info.entryCount} files`);
console.log('\n| tarball part | size |\n| --- | ---: |');
for (const [k, v] of Object.entries(byTop).sort()) console.log(`| ${k} | ${kb(v)} |`);
console.log(`\nInstalled: ${mb(du(nm))} in node_modules, ${packages.length} packages (the tool and its dependencies).`);
console.log('\n| largest dependency | size |\n| --- | ---: |');
for (const [k, v] of biggest) console.log(`| ${k} | ${mb(v)} |`);
rmSync(work, { recursive: true, force: true });
