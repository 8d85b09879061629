/**
 * The wired outputs run: each edited module is imported by Debian's Python (FastAPI 0.92,
 * Starlette 0.26) next to a small stand-in signal_handlers.py that prints what is called. ASGI
 * apps go through a real lifespan (startup then shutdown, via Starlette's TestClient); scripts are
 * run as scripts. This proves the hook-up is reached, once, and that the app's own startup and
 * shutdown hooks (an existing lifespan, on_shutdown lists, @app.on_event) still run.
 * The real module is generated elsewhere (templates/python/signal_handlers.py.hbs) and tested there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wirePythonEntrypoint } from '../../src/edits/python-entrypoint.js';
import { loadCases } from './fixtures.js';

const STUB = `
from contextlib import asynccontextmanager


def setup_signal_handlers():
    print("STUB setup_signal_handlers", flush=True)


def register_shutdown_handler(name, fn, timeout=None):
    print("STUB register", name, flush=True)


def shutdown_requested():
    return True


def run_shutdown_handlers():
    print("STUB run_shutdown_handlers", flush=True)


async def run_shutdown_handlers_async():
    run_shutdown_handlers()


@asynccontextmanager
async def lifespan(app):
    yield
    await run_shutdown_handlers_async()


def wrap_lifespan(inner):
    @asynccontextmanager
    async def wrapped(app):
        async with inner(app) as state:
            yield state
        await run_shutdown_handlers_async()
    return wrapped


def hook_lifespan(app):
    app.router.lifespan_context = wrap_lifespan(app.router.lifespan_context)
`;

const RUN_ASGI = `
import importlib, sys
sys.path.insert(0, sys.argv[1])
module = importlib.import_module("main")
from starlette.testclient import TestClient
with TestClient(getattr(module, sys.argv[2])):
    print("APP started", flush=True)
print("APP stopped", getattr(module, "events", None), flush=True)
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(output: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wire-runs-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'signal_handlers.py'), STUB);
  writeFileSync(join(dir, 'main.py'), output);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

function python(args: string[], cwd: string): { status: number | null; out: string[] } {
  const r = spawnSync('/usr/bin/python3', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`python exited ${r.status}: ${r.stderr}`);
  return { status: r.status, out: r.stdout.trim().split(/\r?\n/) };
}

const cases = new Map(loadCases(() => true).map((c) => [c.name, c]));
function wired(name: string): string {
  const c = cases.get(name)!;
  return wirePythonEntrypoint(c.input, c.options).text as string;
}

describe('wired ASGI apps run their shutdown hook once, after their own hooks keep working', () => {
  it.each([
    ['fastapi-basic', 'app', ['APP started', 'STUB run_shutdown_handlers', 'APP stopped None']],
    ['crlf', 'api', ['APP started', 'STUB run_shutdown_handlers', 'APP stopped None']],
    // @application.on_event("shutdown") still runs: the router's default lifespan is wrapped, not replaced.
    ['factory-same-module', 'app', ['APP started', 'bye', 'STUB run_shutdown_handlers', 'APP stopped None']],
    ['starlette-routes', 'app', ['APP started', 'STUB run_shutdown_handlers', 'APP stopped None']],
    // close_db ran before ours: on_shutdown handlers run in list order.
    ['starlette-on-shutdown', 'application', ['APP started', 'STUB run_shutdown_handlers', "APP stopped ['close_db']"]],
  ] as const)('%s', (name, variable, expected) => {
    const dir = workspace(wired(name));
    expect(python(['-c', RUN_ASGI, dir, variable], dir).out).toEqual(expected);
  });
});

describe('wired scripts call setup_signal_handlers() once, before their work', () => {
  it.each([['docstring-future'], ['main-block-plain'], ['asyncio-main'], ['no-imports-script'], ['existing-import']] as const)(
    '%s',
    (name) => {
      const dir = workspace(wired(name));
      const { out } = python(['main.py'], dir);
      expect(out.filter((l) => l === 'STUB setup_signal_handlers')).toHaveLength(1);
      expect(out[0]?.startsWith('STUB setup_signal_handlers') || out[0]?.startsWith('STUB register')).toBe(true);
    },
  );

  it('flask-gunicorn: importing the module (as gunicorn does) calls it', () => {
    const dir = workspace(wired('flask-gunicorn'));
    const { out } = python(['-c', 'import main; print(type(main.app).__name__)'], dir);
    expect(out).toEqual(['STUB setup_signal_handlers', 'Flask']);
  });

  it('console-script-function: calling the function calls it first (package-relative import)', () => {
    const dir = workspace('');
    const pkg = join(dir, 'mytool');
    rmSync(join(dir, 'main.py'));
    spawnSync('mkdir', [pkg]);
    writeFileSync(join(pkg, '__init__.py'), '');
    writeFileSync(join(pkg, 'signal_handlers.py'), STUB);
    writeFileSync(join(pkg, 'cli.py'), wired('console-script-function'));
    const { out } = python(['-c', 'import sys; sys.argv = ["mytool"]; from mytool.cli import main; print("exit", main())'], dir);
    expect(out).toEqual(['STUB setup_signal_handlers', 'exit 0']);
  });
});
