/**
 * What users get from the registry: the packed tarball run through npx in a fixture repo, and the
 * plop pack loaded by a team's own plopfile and run by the real plop CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { cleanupCopies, copyRepo, ROOT } from '../helpers/tree.js';

const work = mkdtempSync(join(tmpdir(), 'cgs-pack-'));
let tarball = '';

beforeAll(() => {
  // dist/ is built by `npm test` before vitest runs; skip prepack's second build.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
  const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info[0]!.filename);
  writeFileSync(join(work, 'files.json'), JSON.stringify(info[0]!.files.map((f) => f.path)));
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  cleanupCopies();
});

describe('the packed tarball', () => {
  it('holds only what runs: dist, templates, bin, README, LICENSE, package.json', () => {
    const files = JSON.parse(readFileSync(join(work, 'files.json'), 'utf8')) as string[];
    const outside = files.filter((f) => !/^(dist|templates|bin)\//.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(outside).toEqual([]);
    expect(files).toContain('bin/create-graceful-shutdown.js');
    expect(files).toContain('templates/node/shutdown-header.hbs');
    expect(files).toContain('dist/runtime/shutdown.ts'); // the source the module is rendered from
    expect(files.some((f) => f.startsWith('dist/cli/'))).toBe(true);
    expect(files.some((f) => f.includes('.test.') || f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
  });

  it('runs with `npx ./<tarball> --yes` inside a copy of a fixture repo', () => {
    const dir = copyRepo('node-http-cjs');
    const local = join(dir, tarball.split('/').pop()!);
    copyFileSync(tarball, local);
    const r = spawnSync('npx', ['--yes', '--prefer-offline', `./${local.split('/').pop()!}`, '--yes'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, CI: 'true' },
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Done: \d+ files? written/);
    expect(readFileSync(join(dir, 'shutdown.js'), 'utf8')).toContain('create-graceful-shutdown');
  }, 300_000);
});

describe('the plop pack', () => {
  it("a team's plopfile loads it with plop.load and the real plop CLI runs its generator", () => {
    const team = join(work, 'team');
    mkdirSync(join(team, 'node_modules'), { recursive: true });
    // The package as installed in the team's project (a link to this checkout, whose dist/ is built).
    symlinkSync(ROOT, join(team, 'node_modules', 'create-graceful-shutdown'), 'dir');
    writeFileSync(join(team, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(team, 'plopfile.js'), "export default async function (plop) {\n  await plop.load('create-graceful-shutdown');\n}\n");
    const repo = copyRepo('node-http-cjs');
    const plop = join(ROOT, 'node_modules', 'plop', 'bin', 'plop.js');
    // Bypass answers in prompt order: timeout, shutdown delay, exit code, preStop.
    const r = spawnSync(
      process.execPath,
      [plop, '--plopfile', join(team, 'plopfile.js'), '--dest', repo, 'graceful-shutdown', '5000', '0', 'signal', '5'],
      { encoding: 'utf8', timeout: 60_000, input: '' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('shutdown.js');
    const generated = readFileSync(join(repo, 'shutdown.js'), 'utf8');
    expect(generated).toContain('5000');
    expect(existsSync(join(repo, 'shutdown.js'))).toBe(true);
  });
});
