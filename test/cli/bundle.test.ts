/**
 * bin/ runs the CLI from dist/bundle/cli.cjs (scripts/bundle-cli.mjs) when that bundle is at least as new as
 * tsc's dist/cli/main.js, --help/--version from dist/bundle/info.mjs (same rule), and from tsc's modules when
 * a bundle is missing or older (a build that skipped the bundle step must never run stale code). All print
 * the same bytes. The stale and missing cases run on a copy of the package, so the real dist/ is never
 * touched while other tests use it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanupCopies, copyRepo, ROOT } from '../helpers/tree.js';

const work = mkdtempSync(join(tmpdir(), 'cgs-bundle-'));
afterAll(() => {
  cleanupCopies();
  rmSync(work, { recursive: true, force: true });
});

// Lists, at exit, whether the bundle was loaded (it is CommonJS: it lands in require.cache).
const TRACE = join(work, 'trace.cjs');
writeFileSync(
  TRACE,
  "process.on('exit', () => require('fs').writeFileSync(process.env.CGS_TRACE_OUT, String(Object.keys(require.cache).some((f) => f.endsWith('cli.cjs')))));\n",
);
// Lists every ES module resolved (the info bundle and tsc's modules are ES modules).
const HOOKS = join(work, 'hooks.mjs');
writeFileSync(
  HOOKS,
  "import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) {\n  const r = await next(s, c);\n  appendFileSync(process.env.CGS_TRACE_OUT + '.esm', r.url + '\\n');\n  return r;\n}\n",
);
const REGISTER = join(work, 'register.mjs');
writeFileSync(REGISTER, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${HOOKS}`)});\n`);

let runs = 0;
function run(pkg: string, args: string[]): { code: number | null; stdout: string; stderr: string; bundled: boolean; esm: string[] } {
  const out = join(work, `trace-${++runs}`);
  const r = spawnSync(process.execPath, [join(pkg, 'bin', 'create-graceful-shutdown.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NODE_OPTIONS: `--require ${TRACE} --import ${REGISTER}`, CGS_TRACE_OUT: out, TMPDIR: work },
  });
  const esm = readFileSync(`${out}.esm`, 'utf8')
    .split('\n')
    .filter((u) => u.includes('/dist/'))
    .map((u) => u.replace(/.*\/dist\//, 'dist/'));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, bundled: readFileSync(out, 'utf8') === 'true', esm };
}

/** A copy of the built package (bin, dist, templates, package.json) with this checkout's node_modules. */
function packageCopy(): string {
  const pkg = mkdtempSync(join(work, 'pkg-'));
  for (const part of ['bin', 'dist', 'templates', 'package.json'])
    cpSync(join(ROOT, part), join(pkg, part), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  return pkg;
}

describe('bin/ and the bundle', () => {
  it('a run uses the bundle, --help the info bundle; a stale or missing bundle falls back; all print the same', () => {
    const repo = copyRepo('express-ts-esm');
    const bundled = run(ROOT, [repo, '--yes', '--dry-run']);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(bundled.bundled).toBe(true);
    expect(bundled.stdout).toContain('setupSignalHandlers');
    // No ES module of dist/ but the code cache (Node < 22.1), which has to run before the bundle loads.
    expect(bundled.esm.filter((f) => f !== 'dist/cli/code-cache.js')).toEqual([]);
    const help = run(ROOT, ['--help']);
    expect(help.bundled).toBe(false);
    expect([...new Set(help.esm)].sort()).toEqual(['dist/bundle/info.mjs', 'dist/core/errors.js']);

    const stale = packageCopy();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(stale, 'dist', 'cli', 'main.js'), later, later);
    const fromStale = run(stale, [repo, '--yes', '--dry-run']);
    expect(fromStale.bundled).toBe(false);
    const helpFromStale = run(stale, ['--help']);
    expect(helpFromStale.esm).toContain('dist/cli/main.js');
    expect(helpFromStale.esm).not.toContain('dist/bundle/info.mjs');
    expect(helpFromStale.stdout).toBe(help.stdout);

    const missing = packageCopy();
    rmSync(join(missing, 'dist', 'bundle'), { recursive: true });
    const fromMissing = run(missing, [repo, '--yes', '--dry-run']);
    expect(fromMissing.bundled).toBe(false);

    for (const r of [fromStale, fromMissing])
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: bundled.stdout, stderr: bundled.stderr });
  });
});
