import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupCopies, copyRepo, hashTree, runCli, ROOT } from '../helpers/tree.js';

afterAll(cleanupCopies);

/** Fixture repos the CLI treats; each must end up with a shutdown module and nothing to do on a re-run. */
const REPOS = [
  'express-ts-esm',
  'koa-ts-cjs',
  'koa-ws-esm',
  'fastify-cjs',
  'node-http-cjs',
  'tsx-start',
  'workspace-npm',
  'chained-start',
  'mts-entry',
  'cjs-in-esm',
  'pnpm-workspace',
];

describe('the CLI as a subprocess', () => {
  it('prints help and version, exit 0', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: create-graceful-shutdown');
    for (const flag of ['--timeout', '--shutdown-delay', '--exit-code', '--apps', '--only', '--dry-run', '--yes'])
      expect(help.stdout).toContain(flag);
    const version = runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it.each([
    [['--nope'], /unknown option '--nope'/],
    [['--timeout'], /--timeout needs a value/],
    [['--timeout', 'soon', 'x'], /--timeout takes a whole number/],
    [['--only', 'module,rockets', 'x'], /--only: unknown part 'rockets'/],
    [['--exit-code', '3', 'x'], /--exit-code takes 'zero' or 'signal'/],
    [['a', 'b'], /unexpected argument 'b'/],
  ])('usage error %j: exit 2, one line on stderr', (args, message) => {
    const dir = copyRepo('node-http-cjs');
    const before = hashTree(dir);
    const r = runCli(args.map((a) => (a === 'x' ? dir : a)));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(hashTree(dir)).toEqual(before);
  });

  it('a directory that does not exist is a usage error', () => {
    const r = runCli(['/nonexistent/cgs-dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such directory/);
  });

  it('a directory with no app fails with exit 1 and writes nothing', () => {
    const dir = copyRepo('no-package-json');
    const before = hashTree(dir);
    const r = runCli([dir, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(hashTree(dir)).toEqual(before);
  });

  it.each(REPOS)('%s: --dry-run changes no byte and prints a diff', (name) => {
    const dir = copyRepo(name);
    const before = hashTree(dir);
    const r = runCli([dir, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\+\+\+ b\/.*shutdown\.[cm]?[jt]s$/m);
    expect(r.stdout).toContain('Dry run: nothing was written.');
    expect(hashTree(dir)).toEqual(before);
  });

  it.each(REPOS)('%s: --yes writes, a second run has nothing to do', (name) => {
    const dir = copyRepo(name);
    const first = runCli([dir, '--yes']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Done: \d+ files? written/);
    const after = hashTree(dir);
    expect(Object.keys(after).some((p) => /shutdown\.[cm]?[jt]s$/.test(p))).toBe(true);
    const second = runCli([dir, '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to do');
    expect(hashTree(dir)).toEqual(after);
  });

  it('without a TTY and without --yes it never waits for input', () => {
    const dir = copyRepo('node-http-cjs');
    // stdin is a pipe nobody writes to: a prompt would hang until the timeout.
    const r = runCli([dir], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Done: \d+ files? written/);
  });

  it('CI=true never waits for input either', () => {
    const dir = copyRepo('node-http-cjs');
    const r = runCli([dir], { env: { CI: 'true' }, timeoutMs: 20_000 });
    expect(r.code).toBe(0);
  });
});
