/**
 * Issue 13, strict type checkers on what the tool edits: for each Python e2e fixture repo, the
 * repo's own .py files as the CLI (`--yes`) leaves them, with the generated module(s), checked by
 * mypy --strict and pyright --strict for Python 3.9 and 3.11 against Debian's real packages. The
 * edit adds no diagnostic: everything reported afterwards was already reported on the original
 * (a fixture's own `import os` that nothing uses stays reported, nothing else appears).
 */
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, tempDir } from '../python-module/helpers.js';
import { mypyStrict, PYTHON_VERSIONS, pyrightStrictEach } from '../python-module/type-check.js';
import { type CliRun, REPOS as FIXTURES, requireBuild, runCli } from './helpers.js';

afterAll(cleanUp);

const REPOS = [
  'python-e2e-fastapi-main',
  'python-e2e-fastapi-package',
  'python-e2e-flask-gunicorn',
  'python-e2e-plain-worker',
  'python-e2e-asyncio-worker',
  'python-e2e-gunicorn-chain',
  'python-e2e-fastapi-run',
  'python-e2e-uvicorn-old',
  // The Python corpus's bare script: its loop's helper wait made interruptible (test/corpus/python/bare-script).
  'corpus:bare-script',
];

function source(repo: string): string {
  return repo.startsWith('corpus:')
    ? join(import.meta.dirname, '..', 'corpus', 'python', repo.slice('corpus:'.length))
    : join(FIXTURES, repo);
}

function pythonFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name.startsWith('.') ? [] : pythonFiles(path, root);
    // gunicorn.conf.py is no module name for mypy; pyright checks it.
    return name.endsWith('.py') && name !== 'gunicorn.conf.py' ? [relative(root, path)] : [];
  });
}

/** mypy's errors without line numbers (the edit moves lines). */
async function mypyErrors(dir: string, version: string): Promise<string[]> {
  const mypy = await mypyStrict(dir, pythonFiles(dir), version);
  return /^Success: no issues found/.test(mypy) ? [] : mypy.split('\n').filter((l) => /: error: /.test(l));
}

const withoutLine = (l: string): string => l.replace(/:\d+(:\d+)?: /, ': ');

interface Checked {
  cli: CliRun;
  /** Per Python version: the diagnostics (one per kind) of the original and of the edited copy. */
  found: Map<string, { before: string[]; after: string[] }>;
}

/**
 * The original and the CLI's result, each copied once per Python version under one root, so that one
 * pyright run checks all four copies; mypy runs per copy, on a warm cache.
 */
async function check(repo: string): Promise<Checked> {
  requireBuild();
  const root = tempDir(`types-${repo.replace(':', '-')}`);
  // Edited under its own name, as a user's checkout would be (an app without a manifest is named after it).
  const edited = join(root, repo.replace(/^corpus:/, ''));
  cpSync(source(repo), edited, { recursive: true });
  const cli = await runCli(edited);
  const copies = PYTHON_VERSIONS.flatMap((version) =>
    (['before', 'after'] as const).map((when) => {
      const dir = `${when}-${version}`;
      cpSync(when === 'before' ? source(repo) : edited, join(root, dir), { recursive: true });
      return { dir, version, when };
    }),
  );
  const pyright = await pyrightStrictEach(root, copies);
  const found = new Map<string, { before: string[]; after: string[] }>();
  for (const [i, copy] of copies.entries()) {
    const mypy = await mypyErrors(join(root, copy.dir), copy.version);
    const all = [...new Set([...mypy, ...pyright[i]!].map(withoutLine))].sort();
    const entry = found.get(copy.version) ?? { before: [], after: [] };
    entry[copy.when] = all;
    found.set(copy.version, entry);
  }
  return { cli, found };
}

describe.each(REPOS)('%s', (repo) => {
  let checked: Checked;
  // One CLI run, one pyright run over four copies and four mypy runs on a shared 2-core machine.
  beforeAll(async () => {
    checked = await check(repo);
  }, 240_000);

  it.each(PYTHON_VERSIONS)('the edited entrypoint and generated module add no mypy/pyright --strict diagnostic (Python %s)', (version) => {
    expect(checked.cli.code, checked.cli.stdout + checked.cli.stderr).toBe(0);
    const { before, after } = checked.found.get(version)!;
    expect(after.filter((d) => !before.includes(d))).toEqual([]);
  });
});
