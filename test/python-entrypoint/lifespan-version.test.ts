/**
 * Issue 13, the lifespan edit: FastAPI's own `lifespan=` where the project pins a release that has
 * it (0.93+), `hook_lifespan(app)` where it does not (Debian's FastAPI is 0.92) or where
 * `@app.on_event` handlers would stop running under `lifespan=`. The edited entrypoint passes
 * mypy --strict and pyright --strict against Debian's real FastAPI 0.92 / Starlette 0.26 (the old
 * `app.router.lifespan_context = wrap_lifespan(...)` line failed both), and our `lifespan` has the
 * type Starlette's `lifespan=` parameter declares (the one FastAPI 0.93+ passes it to).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/core/render.js';
import { wirePythonEntrypoint, type WireOptions } from '../../src/edits/python-entrypoint.js';
import { requiresAtLeast, wireOptionsFor } from '../../src/generators/python-entrypoint.js';
import { PYTHON_MODULE_TEMPLATE, pythonModuleData } from '../../src/generators/python-module.js';
import { cleanUp, pythonApp, tempDir } from '../python-module/helpers.js';
import { mypyStrict, PYTHON_VERSIONS, pyrightStrict } from '../python-module/type-check.js';

afterAll(cleanUp);

const APP =
  'from fastapi import FastAPI\n\napp = FastAPI(title="orders")\n\n\n@app.get("/health")\ndef health() -> "dict[str, str]":\n    return {"status": "ok"}\n';
const EVENTS = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.on_event("shutdown")\nasync def close_pool() -> None:\n    pass\n';

function options(specifier: string | undefined): WireOptions {
  const app = pythonApp({
    framework: 'fastapi',
    server: 'uvicorn',
    entrypoint: { path: 'main.py', module: 'main', appVariable: 'app', inPackage: false },
  });
  const o = wireOptionsFor(app, 8000, new Map(specifier === undefined ? [] : [['fastapi', specifier]]));
  if ('reason' in o) throw new Error(o.reason);
  return o;
}

describe('which FastAPI releases get `lifespan=`', () => {
  it.each([
    ['>=0.110', true],
    ['==0.115.2', true],
    ['~=0.100', true],
    ['^0.95.1', true],
    ['0.100.0', true],
    ['>=0.93.0,<1', true],
    ['==0.92.0', false],
    ['>=0.68', false],
    ['<1', false],
    ['*', false],
    [undefined, false],
  ] as const)('%s -> %s', (spec, expected) => {
    expect(requiresAtLeast(spec, [0, 93])).toBe(expected);
  });
});

describe('the FastAPI lifespan edit', () => {
  it("a pinned FastAPI 0.93+: the framework's own `lifespan=`", () => {
    const out = wirePythonEntrypoint(APP, options('>=0.110')).text;
    expect(out).toContain('from signal_handlers import lifespan\n');
    expect(out).toContain('app = FastAPI(title="orders", lifespan=lifespan)\n');
    expect(out).not.toMatch(/hook_lifespan|lifespan_context/);
  });

  it.each([['==0.92.0'], [undefined]])('FastAPI %s (or unpinned): hook_lifespan(app) after the app', (spec) => {
    const out = wirePythonEntrypoint(APP, options(spec)).text as string;
    expect(out).toContain('app = FastAPI(title="orders")\nhook_lifespan(app)\n');
  });

  it('a pinned 0.93+ app with @app.on_event handlers keeps them running: hook_lifespan, not lifespan=', () => {
    const out = wirePythonEntrypoint(EVENTS, options('>=0.110')).text as string;
    expect(out).toContain('app = FastAPI()\nhook_lifespan(app)\n');
  });
});

describe('strict type checkers on the edited entrypoint (Debian FastAPI 0.92, Starlette 0.26)', () => {
  const module = renderTemplate(PYTHON_MODULE_TEMPLATE, pythonModuleData('asgi', 8000));

  it.each(PYTHON_VERSIONS)(
    'mypy --strict and pyright --strict pass for Python %s',
    async (version) => {
      const dir = tempDir(`lifespan-types-${version}`);
      writeFileSync(join(dir, 'signal_handlers.py'), module);
      // The fallback on the real FastAPI, and `lifespan=` on Starlette's parameter (FastAPI 0.93+ forwards it there).
      writeFileSync(
        join(dir, 'fastapi_app.py'),
        wirePythonEntrypoint(
          APP.replace('"dict[str, str]"', 'Dict[str, str]').replace('from fastapi', 'from typing import Dict\n\nfrom fastapi'),
          options(undefined),
        ).text as string,
      );
      writeFileSync(
        join(dir, 'starlette_app.py'),
        'from starlette.applications import Starlette\n\nfrom signal_handlers import lifespan, wrap_lifespan\n\n' +
          'app = Starlette(lifespan=lifespan)\nwrapped = Starlette(lifespan=wrap_lifespan(lifespan))\n',
      );
      expect(await mypyStrict(dir, ['fastapi_app.py', 'starlette_app.py', 'signal_handlers.py'], version)).toMatch(
        /^Success: no issues found/,
      );
      expect(await pyrightStrict(dir, version)).toEqual([]);
    },
    240_000,
  ); // a mypy and a pyright run over FastAPI and Starlette on a shared 2-core machine (60 s was hit at load 16)
});
