/**
 * The two strict type checkers users run on their code: Debian's mypy and pyright (the npm
 * devDependency, run offline by node), both seeing Debian's python3 packages (fastapi, flask, ...). Both for the running Python (3.11 here) and for 3.9, the
 * oldest Python the generated code supports.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MYPY, tempDir } from './helpers.js';

const run = promisify(execFile);
export const PYRIGHT = join(import.meta.dirname, '..', '..', 'node_modules', 'pyright', 'index.js');
export const PYTHON_VERSIONS = ['3.9', '3.11'] as const;

/**
 * One incremental cache per test file and Python version. mypy's own analysis of the stdlib and of
 * fastapi/flask/starlette is most of a run's 7 s; a warm cache answers in under a second. mypy checks
 * each cached module's source hash, so a repo whose `main.py` differs from the last repo's is checked
 * again, never answered from the other's cache. Each file gets its own cache root (vitest loads this
 * module once per test file), so files running side by side never write the same cache.
 */
let cacheRoot: string | null = null;
function mypyCache(pythonVersion: string): string {
  cacheRoot ??= tempDir('mypy-cache');
  return join(cacheRoot, pythonVersion);
}

/** mypy --strict on `files` (relative to `dir`): its output, "Success: ..." when clean. */
export async function mypyStrict(dir: string, files: string[], pythonVersion: string): Promise<string> {
  const args = ['--strict', '--cache-dir', mypyCache(pythonVersion), '--python-version', pythonVersion, ...files];
  try {
    const { stdout } = await run(MYPY, args, { cwd: dir });
    return stdout.trim();
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

/**
 * pyright in strict mode over `dir` for one Python version: every diagnostic as
 * "file:line: rule: message" (errors and warnings), [] when clean.
 */
export async function pyrightStrict(dir: string, pythonVersion: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const config = join(dir, `pyrightconfig.${pythonVersion}.json`);
  writeFileSync(config, JSON.stringify({ typeCheckingMode: 'strict', pythonVersion, exclude: ['**/.mypy_cache*'], ...extra }));
  return (await pyrightJson(dir, config)).map((d) => formatDiagnostic(d, dir.length + 1));
}

interface PyrightDiagnostic {
  file: string;
  severity: string;
  rule?: string;
  message: string;
  range: { start: { line: number } };
}

/** pyright's diagnostics for a project config, errors and warnings (not information). */
async function pyrightJson(cwd: string, config: string): Promise<PyrightDiagnostic[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [PYRIGHT, '--project', config, '--pythonpath', '/usr/bin/python3', '--outputjson'], {
      cwd,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    // pyright exits 1 when it reports errors: the JSON is still on stdout.
    const e = error as { stdout?: string; stderr?: string };
    if (!e.stdout) throw new Error(`pyright did not run: ${e.stderr ?? String(error)}`);
    stdout = e.stdout;
  }
  const report = JSON.parse(stdout) as { generalDiagnostics: PyrightDiagnostic[] };
  return report.generalDiagnostics.filter((d) => d.severity !== 'information');
}

/** "file:line: rule: message", the file relative to the copy (`cut` characters of its path dropped). */
function formatDiagnostic(d: PyrightDiagnostic, cut: number): string {
  return `${d.file.slice(cut)}:${d.range.start.line + 1}: ${d.rule ?? d.severity}: ${d.message.split('\n')[0]}`;
}

/**
 * pyright --strict over several copies side by side in one run (one start of pyright instead of one
 * per copy): `root` holds them as subdirectories, each its own execution environment with its own
 * Python version, so imports resolve inside each copy. The diagnostics per copy, as pyrightStrict's.
 */
export async function pyrightStrictEach(root: string, copies: readonly { dir: string; version: string }[]): Promise<string[][]> {
  const config = join(root, 'pyrightconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      typeCheckingMode: 'strict',
      include: copies.map((c) => c.dir),
      exclude: ['**/.mypy_cache*'],
      executionEnvironments: copies.map((c) => ({ root: c.dir, pythonVersion: c.version })),
    }),
  );
  const diagnostics = await pyrightJson(root, config);
  return copies.map((c) => {
    const prefix = `${join(root, c.dir)}/`;
    return diagnostics.filter((d) => d.file.startsWith(prefix)).map((d) => formatDiagnostic(d, prefix.length));
  });
}
