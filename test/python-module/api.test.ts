/**
 * The module's API in-process, for every mode, by a small CPython driver: registration order,
 * replacement, removal, register_resource, at-most-once across the sync and async runners,
 * lifespan / wrap_lifespan (async generator lifespans included) and argument checks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTemplate } from '../../src/core/render.js';
import { PYTHON_MODULE_TEMPLATE, pythonModuleData } from '../../src/generators/python-module.js';
import type { PythonModuleMode } from '../../src/generators/python-wiring.js';
import { cleanUp, PYTHON, tempDir } from './helpers.js';

afterAll(cleanUp);

const driver = `
import asyncio, json, sys
from contextlib import asynccontextmanager
import signal_handlers as sh

out = {}
calls = []

sh.register_shutdown_handler("a", lambda: calls.append("a"))
sh.register_shutdown_handler("b", lambda: calls.append("b"))
sh.register_shutdown_handler("a", lambda: calls.append("a2"))  # replaces "a" and becomes the newest
sh.register_shutdown_handler("gone", lambda: calls.append("gone"))
sh.remove_shutdown_handler("gone")
sh.remove_shutdown_handler("never-registered")
with sh.register_resource("scoped", lambda: calls.append("scoped")):
    out["inside_resource"] = "scoped" in sh._handlers
out["after_resource"] = "scoped" in sh._handlers

async def closes() -> None:
    await asyncio.sleep(0)
    calls.append("async")
sh.register_shutdown_handler("async", closes)
sh.register_shutdown_handler("returns-awaitable", lambda: closes())

errors = []
for bad in [lambda: sh.register_shutdown_handler("x", "not callable"), lambda: sh.register_shutdown_handler("x", print, timeout=0)]:
    try:
        bad()
    except (TypeError, ValueError) as e:
        errors.append(type(e).__name__)
out["errors"] = errors

sh.setup_signal_handlers()
sh.setup_signal_handlers()  # idempotent
out["requested_before"] = sh.shutdown_requested()

@asynccontextmanager
async def existing(app):
    calls.append("existing:start")
    yield {"k": 1}
    calls.append("existing:stop")

async def old_style(app):  # Starlette's deprecated async generator lifespan
    calls.append("old:start")
    yield
    calls.append("old:stop")

async def main() -> None:
    async with sh.wrap_lifespan(existing)(object()) as state:
        out["state"] = state
    await sh.run_shutdown_handlers_async()  # second run: nothing
    async with sh.wrap_lifespan(old_style)(object()):
        pass
    async with sh.lifespan(object()):
        pass

asyncio.run(main())
sh.run_shutdown_handlers()  # already ran: nothing
out["requested_after"] = sh.shutdown_requested()
out["calls"] = calls
print(json.dumps(out))
`;

describe.each(['asgi', 'gunicorn', 'plain', 'asyncio'] as PythonModuleMode[])('API, mode %s', (mode) => {
  it('behaves the same in every mode', () => {
    const dir = tempDir(`api-${mode}`);
    writeFileSync(join(dir, 'signal_handlers.py'), renderTemplate(PYTHON_MODULE_TEMPLATE, pythonModuleData(mode, 5000)));
    writeFileSync(join(dir, 'driver.py'), driver);
    const result = JSON.parse(execFileSync(PYTHON, ['driver.py'], { cwd: dir, encoding: 'utf8' })) as Record<string, unknown>;
    expect(result).toEqual({
      inside_resource: true,
      after_resource: false,
      errors: ['TypeError', 'ValueError'],
      requested_before: false,
      state: { k: 1 },
      requested_after: true,
      calls: [
        'existing:start',
        'existing:stop',
        // newest first: returns-awaitable, async, a2 (re-registered), b
        'async',
        'async',
        'a2',
        'b',
        'old:start',
        'old:stop',
      ],
    });
  });
});
