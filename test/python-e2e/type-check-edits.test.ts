/**
 * Issue 13, strict type checkers on what the tool edits: for each Python e2e fixture repo, the
 * repo's own .py files as the CLI (`--yes`) leaves them, with the generated module(s), checked by
 * mypy --strict and pyright --strict for Python 3.9 and 3.11 against Debian's real packages. The
 * edit adds no diagnostic: everything reported afterwards was already reported on the original
 * (a fixture's own `import os` that nothing uses stays reported, nothing else appears).
 */
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, tempDir } from '../python-module/helpers.js';
import { mypyStrict, PYTHON_VERSIONS, pyrightStrict } from '../python-module/type-check.js';
import { copyRepo, requireBuild, runCli } from './helpers.js';

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

function copy(repo: string): string {
  if (!repo.startsWith('corpus:')) return copyRepo(repo);
  const name = repo.slice('corpus:'.length);
  const dir = join(tempDir(`types-${name}`), name);
  cpSync(join(import.meta.dirname, '..', 'corpus', 'python', name), dir, { recursive: true });
  return dir;
}

function pythonFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name.startsWith('.') ? [] : pythonFiles(path, root);
    // gunicorn.conf.py is no module name for mypy; pyright checks it.
    return name.endsWith('.py') && name !== 'gunicorn.conf.py' ? [relative(root, path)] : [];
  });
}

/** Diagnostics without line numbers (the edit moves lines), one per kind. */
async function diagnostics(dir: string, version: string): Promise<string[]> {
  const mypy = await mypyStrict(dir, pythonFiles(dir), version);
  const mypyLines = /^Success: no issues found/.test(mypy) ? [] : mypy.split('\n').filter((l) => /: error: /.test(l));
  const pyright = await pyrightStrict(dir, version);
  return [...new Set([...mypyLines, ...pyright].map((l) => l.replace(/:\d+(:\d+)?: /, ': ')))].sort();
}

describe.each(REPOS)('%s', (repo) => {
  it.each(PYTHON_VERSIONS)(
    'the edited entrypoint and generated module add no mypy/pyright --strict diagnostic (Python %s)',
    async (version) => {
      requireBuild();
      const before = await diagnostics(copy(repo), version);
      const dir = copy(repo);
      const cli = await runCli(dir);
      expect(cli.code, cli.stdout + cli.stderr).toBe(0);
      const after = await diagnostics(dir, version);
      expect(after.filter((d) => !before.includes(d))).toEqual([]);
    },
    240_000,
  ); // four type-checker runs (mypy, pyright, before and after) on a shared 2-core machine
});
