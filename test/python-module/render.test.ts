/**
 * Every variant's generated output: snapshotted (so a template change shows up as a diff) and
 * type-checked with Debian's mypy --strict, for the running Python and for Python 3.9.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderTemplate } from '../../src/core/render.js';
import { renderGunicornConf } from '../../src/edits/gunicorn-conf.js';
import { PYTHON_MODULE_HEADER, PYTHON_MODULE_TEMPLATE, pythonModuleData } from '../../src/generators/python-module.js';
import type { PythonModuleMode } from '../../src/generators/python-wiring.js';
import { cleanUp, MYPY, PYTHON, tempDir } from './helpers.js';
import { mypyStrict as mypyStrictFiles, PYTHON_VERSIONS, pyrightStrict } from './type-check.js';
import { expectFlavourSnapshot } from '../helpers/flavour-snapshot.js';

const run = promisify(execFile);
const MODES: PythonModuleMode[] = ['asgi', 'gunicorn', 'plain', 'asyncio'];

afterAll(cleanUp);

function renderMode(mode: PythonModuleMode, timeoutMs = 8000): string {
  return renderTemplate(PYTHON_MODULE_TEMPLATE, pythonModuleData(mode, timeoutMs));
}

async function mypyStrict(dir: string, file: string, pythonVersion?: string): Promise<string> {
  const args = ['--strict', '--no-incremental', '--cache-dir', join(dir, '.mypy_cache'), file];
  if (pythonVersion) args.unshift('--python-version', pythonVersion);
  try {
    const { stdout } = await run(MYPY, args, { cwd: dir });
    return stdout.trim();
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

describe.each(MODES)('signal_handlers.py, mode %s', (mode) => {
  const source = renderMode(mode);

  it('matches its snapshot', async () => {
    // Reviewed as diffs against the nearest mode: plain in full, gunicorn against asgi, the others against plain.
    const base = mode === 'plain' ? null : mode === 'gunicorn' ? 'asgi' : 'plain';
    await expectFlavourSnapshot(
      `../../snapshots/python-module/modes/${mode}/signal_handlers.py`,
      source,
      base === null ? null : { name: `${base}/signal_handlers.py`, text: renderMode(base) },
    );
  });

  it('starts with the header that lets a re-run recognise it, and names its mode', () => {
    expect(source.startsWith(PYTHON_MODULE_HEADER)).toBe(true);
    expect(source).toContain(`MODE = "${mode}"`);
  });

  it('passes mypy --strict (default Python and 3.9)', async () => {
    const dir = tempDir(`mypy-${mode}`);
    writeFileSync(join(dir, 'signal_handlers.py'), source);
    const [current, py39] = await Promise.all([mypyStrict(dir, 'signal_handlers.py'), mypyStrict(dir, 'signal_handlers.py', '3.9')]);
    expect(current).toMatch(/^Success: no issues found/);
    expect(py39).toMatch(/^Success: no issues found/);
  });

  it('exposes the same public API as every other mode', async () => {
    const dir = tempDir(`api-${mode}`);
    writeFileSync(join(dir, 'signal_handlers.py'), source);
    const { stdout } = await run(PYTHON, ['-c', 'import signal_handlers as m; print(" ".join(sorted(m.__all__)))'], { cwd: dir });
    expect(stdout.trim().split(' ')).toEqual([
      'hook_lifespan',
      'interruptible_sleep',
      'interruptible_sleep_async',
      'keep_running',
      'lifespan',
      'register_resource',
      'register_shutdown_handler',
      'remove_shutdown_handler',
      'run_shutdown_handlers',
      'run_shutdown_handlers_async',
      'setup_signal_handlers',
      'shutdown_requested',
      'wrap_lifespan',
    ]);
  });
});

describe('what differs between modes', () => {
  it('only plain and asyncio install signal handlers; only asyncio uses loop.add_signal_handler', () => {
    const installs = (m: PythonModuleMode) => /signal\.signal\(signum, _on_signal\)/.test(renderMode(m));
    expect(MODES.filter(installs)).toEqual(['plain', 'asyncio']);
    expect(MODES.filter((m) => renderMode(m).includes('loop.add_signal_handler('))).toEqual(['asyncio']);
  });

  it('the budget from the answers becomes the default, as a number literal', () => {
    expect(renderMode('plain', 7500)).toContain('DEFAULT_TIMEOUT_SECONDS: float = 7.5\n');
    expect(renderMode('plain', 30000)).toContain('DEFAULT_TIMEOUT_SECONDS: float = 30\n');
    expect(() => renderMode('plain', Number.NaN)).toThrow(/positive number/);
    expect(() => renderMode('plain', -1)).toThrow(/positive number/);
  });
});

describe('gunicorn.conf.py (new)', () => {
  const source = renderGunicornConf({ handlersModule: 'app.signal_handlers', gracefulTimeout: 8 });

  it('matches its snapshot', async () => {
    await expect(source).toMatchFileSnapshot('../../snapshots/python-module/gunicorn-conf-new/gunicorn.conf.py');
  });

  it('passes mypy --strict', async () => {
    const dir = tempDir('mypy-conf');
    mkdirSync(dir, { recursive: true });
    // mypy wants a module name without dots.
    writeFileSync(join(dir, 'gunicorn_conf.py'), source);
    expect(await mypyStrict(dir, 'gunicorn_conf.py')).toMatch(/^Success: no issues found/);
  });
});

describe('pyright --strict on every generated file', () => {
  // One directory per mode (each has its own signal_handlers.py), gunicorn.conf.py beside the gunicorn one.
  it.each(PYTHON_VERSIONS)('no errors or warnings for Python %s', async (version) => {
    const dir = tempDir(`pyright-${version}`);
    for (const mode of MODES) {
      mkdirSync(join(dir, mode));
      writeFileSync(join(dir, mode, 'signal_handlers.py'), renderMode(mode));
    }
    writeFileSync(join(dir, 'gunicorn', 'gunicorn.conf.py'), renderGunicornConf({ handlersModule: 'signal_handlers', gracefulTimeout: 8 }));
    // With --shutdown-delay: the master-side delay hook too.
    mkdirSync(join(dir, 'gunicorn-delay'));
    writeFileSync(
      join(dir, 'gunicorn-delay', 'gunicorn.conf.py'),
      renderGunicornConf({ handlersModule: 'signal_handlers', gracefulTimeout: 3, shutdownDelaySeconds: 5 }),
    );
    expect(await pyrightStrict(dir, version)).toEqual([]);
    expect(await mypyStrictFiles(dir, ['gunicorn-delay/gunicorn.conf.py'], version)).toMatch(/^Success: no issues found/);
  });
});
