/**
 * patchGunicornConf: fixture triplets (input under test/fixtures/python-module/gunicorn-conf/<case>,
 * expected output under snapshots/python-module/gunicorn-conf/<case>), idempotence, refusals,
 * and the patched hook's behaviour when gunicorn's worker_exit calls it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../src/core/errors.js';
import { patchGunicornConf, renderGunicornConf } from '../../src/edits/gunicorn-conf.js';
import { cleanUp, PYTHON, tempDir } from './helpers.js';
import { expectFlavourSnapshot } from '../helpers/flavour-snapshot.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'python-module', 'gunicorn-conf');
const OPTIONS = { handlersModule: 'app.signal_handlers', gracefulTimeout: 8 };
const cases = readdirSync(FIXTURES).sort();
const patchCases = cases.filter((c) => !c.startsWith('refuse-'));
const refuseCases = cases.filter((c) => c.startsWith('refuse-'));
const input = (name: string) => readFileSync(join(FIXTURES, name, 'gunicorn.conf.py'), 'utf8');

afterEach(cleanUp);

/** Parse with CPython itself: the output must be valid Python. */
function assertPythonParses(source: string): void {
  const file = join(tempDir('conf'), 'gunicorn.conf.py');
  writeFileSync(file, source);
  execFileSync(PYTHON, ['-c', 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())', file]);
}

describe('patchGunicornConf', () => {
  it('has at least 8 patch cases and 5 refusal cases', () => {
    expect(patchCases.length).toBeGreaterThanOrEqual(8);
    expect(refuseCases.length).toBeGreaterThanOrEqual(5);
  });

  it.each(patchCases)('%s: patched as in the snapshot, valid Python, and a second run changes nothing', async (name) => {
    const out = patchGunicornConf(input(name), OPTIONS).text;
    expect(out).not.toBe(false);
    const patched = out as string;
    // Reviewed as a diff against a new gunicorn.conf.py (same options, same line endings): the tool's block
    // is shown in full once, and each case shows only how the user's file around it was kept.
    const fresh = renderGunicornConf(OPTIONS);
    const base = patched.includes('\r\n') ? fresh.replace(/\n/g, '\r\n') : fresh;
    await expectFlavourSnapshot(`../../snapshots/python-module/gunicorn-conf/${name}/gunicorn.conf.py`, patched, {
      name: 'new gunicorn.conf.py',
      text: base,
    });
    expect(patchGunicornConf(patched, OPTIONS)).toEqual({ text: false, notes: [] });
    expect(patched.match(/^graceful_timeout(: int)? = 8\b/gm)).toHaveLength(1);
    expect(patched.match(/# >>> create-graceful-shutdown/g)).toHaveLength(1);
    assertPythonParses(patched);
  });

  it('keeps CRLF line endings', () => {
    const patched = patchGunicornConf(input('crlf'), OPTIONS).text as string;
    expect(patched.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('leaves every line of the original in place (only graceful_timeout literals change)', () => {
    for (const name of patchCases.filter((c) => c !== 'stale-block')) {
      const original = input(name).replace(/\r\n/g, '\n');
      const patched = (patchGunicornConf(input(name), OPTIONS).text as string).replace(/\r\n/g, '\n');
      for (const line of original.split('\n').filter((l) => l.trim() && !l.startsWith('graceful_timeout'))) {
        expect(patched).toContain(line);
      }
    }
  });

  it('a changed budget or module name refreshes the block and the setting', () => {
    const first = patchGunicornConf(input('minimal-settings'), OPTIONS).text as string;
    const second = patchGunicornConf(first, { handlersModule: 'signal_handlers', gracefulTimeout: 20 }).text as string;
    expect(second).toMatch(/^graceful_timeout = 20$/m);
    expect(second).toContain('modules.get("signal_handlers")');
    expect(second).not.toContain('app.signal_handlers');
  });

  it.each(refuseCases)('%s: refused (text false) with the line or the lost end marker', (name) => {
    const result = patchGunicornConf(input(name), OPTIONS);
    expect(result.text).toBe(false);
    expect(result.refused?.reason).toMatch(/line \d+|end marker/);
    if (result.refused?.line !== undefined) expect(result.refused.reason).toContain(`line ${result.refused.line}`);
  });

  it('rejects values that would not be valid in the generated Python', () => {
    expect(() => patchGunicornConf('', { handlersModule: 'app"; import os', gracefulTimeout: 8 })).toThrow(UserError);
    expect(() => patchGunicornConf('', { handlersModule: 'app.signal_handlers', gracefulTimeout: 2.5 })).toThrow(UserError);
    expect(() => patchGunicornConf('', { handlersModule: 'app.signal_handlers', gracefulTimeout: 0 })).toThrow(UserError);
  });
});

describe('the worker_exit hook, executed by CPython as gunicorn would', () => {
  // Loads the conf like gunicorn (exec as a module), then calls worker_exit(server, worker).
  const driver = `
import runpy, sys, types
calls = []
registry = types.ModuleType(sys.argv[2])
registry.run_shutdown_handlers = lambda: calls.append("handlers")
if sys.argv[3] == "registered":
    sys.modules[sys.argv[2]] = registry
else:
    # Imported under another name: found through its GRACEFUL_SHUTDOWN_REGISTRY marker.
    registry.GRACEFUL_SHUTDOWN_REGISTRY = True
    sys.modules["elsewhere.signal_handlers"] = registry
hooks = types.ModuleType("myapp.hooks")
hooks.on_worker_exit = lambda server, worker: calls.append("user hook")
sys.modules["myapp"] = types.ModuleType("myapp")
sys.modules["myapp.hooks"] = hooks
conf = runpy.run_path(sys.argv[1])
try:
    conf["worker_exit"](None, types.SimpleNamespace(pid=1))
except Exception as error:
    calls.append("raised: " + str(error))
print(",".join(calls))
`;

  function runHook(source: string, lookup: 'registered' | 'marker'): string {
    const dir = tempDir('hook');
    writeFileSync(join(dir, 'gunicorn.conf.py'), source);
    return execFileSync(PYTHON, ['-c', driver, join(dir, 'gunicorn.conf.py'), OPTIONS.handlersModule, lookup], {
      encoding: 'utf8',
    }).trim();
  }

  it('a new conf runs the handlers', () => {
    expect(runHook(renderGunicornConf(OPTIONS), 'registered')).toBe('handlers');
  });

  it('finds the registry by its marker when the app imported it under another name', () => {
    expect(runHook(renderGunicornConf(OPTIONS), 'marker')).toBe('handlers');
  });

  it('an existing worker_exit (imported) runs first, then the handlers', () => {
    expect(runHook(patchGunicornConf(input('imported-worker-exit'), OPTIONS).text as string, 'registered')).toBe('user hook,handlers');
  });

  it('an existing worker_exit that raises: the handlers still run, the error reaches gunicorn', () => {
    const source = patchGunicornConf('def worker_exit(server, worker):\n    raise RuntimeError("user hook broke")\n', OPTIONS)
      .text as string;
    expect(runHook(source, 'registered')).toBe('handlers,raised: user hook broke');
  });
});
