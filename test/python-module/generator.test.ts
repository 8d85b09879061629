/**
 * The 'python-module' generator: which variant each kind of app gets, where the files go,
 * what it refuses, and that a second run plans no change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../src/core/errors.js';
import type { PythonApp } from '../../src/detect/facts.js';
import { pythonModuleGenerator } from '../../src/generators/python-module.js';
import { pythonModuleLocation, pythonModuleMode } from '../../src/generators/python-wiring.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { answers, cleanUp, materialize, planFor, pythonApp, tempDir } from './helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'python-module');

afterEach(cleanUp);

describe('pythonModuleMode', () => {
  it.each([
    ['fastapi', 'uvicorn', 'asgi'],
    ['starlette', 'uvicorn', 'asgi'],
    ['fastapi', 'fastapi-cli', 'asgi'],
    ['django', 'uvicorn', 'asgi'],
    ['flask', 'gunicorn', 'gunicorn'],
    ['django', 'gunicorn', 'gunicorn'],
    ['fastapi', 'gunicorn', 'gunicorn'],
    ['asyncio', 'none', 'asyncio'],
    ['aiohttp', 'none', 'asyncio'],
    ['plain', 'none', 'plain'],
    ['flask', 'none', 'plain'],
  ] as const)('%s on %s -> %s', (framework, server, mode) => {
    expect(pythonModuleMode(pythonApp({ framework, server }))).toBe(mode);
  });
});

describe('pythonModuleLocation', () => {
  it.each([
    [{ path: 'main.py', module: 'main' }, 'signal_handlers.py', 'signal_handlers'],
    [{ path: 'app/main.py', module: 'app.main' }, 'app/signal_handlers.py', 'app.signal_handlers'],
    [{ path: 'backend/app/main.py', module: 'app.main' }, 'backend/app/signal_handlers.py', 'app.signal_handlers'],
    [{ path: 'src/pkg/__main__.py', module: 'pkg.__main__' }, 'src/pkg/signal_handlers.py', 'pkg.signal_handlers'],
  ])('%o -> %s imported as %s', (entry, path, module) => {
    expect(pythonModuleLocation({ ...entry, appVariable: null, inPackage: entry.module.includes('.') })).toEqual({ path, module });
  });
});

describe('pythonModuleGenerator', () => {
  const monorepoGunicorn = pythonApp({
    dir: 'backend',
    framework: 'flask',
    server: 'gunicorn',
    entrypoint: { path: 'backend/app/wsgi.py', module: 'app.wsgi', appVariable: 'app', inPackage: true },
  });

  it('registers as part "module" and applies only to Python apps with an entrypoint', () => {
    const root = tempDir('applies');
    expect(pythonModuleGenerator.part).toBe('module');
    expect(pythonModuleGenerator.name).toBe('python-module');
    expect(planFor(root, pythonApp({ entrypoint: null })).changes()).toEqual([]);
  });

  it('gunicorn app in a monorepo: module beside the entrypoint, new gunicorn.conf.py in the app dir', () => {
    const root = tempDir('mono');
    const plan = planFor(root, monorepoGunicorn, answers({ timeoutMs: 12_500 }));
    const byPath = new Map(plan.changes().map((c) => [c.path, c.after]));
    expect([...byPath.keys()].sort()).toEqual(['backend/app/signal_handlers.py', 'backend/gunicorn.conf.py']);
    expect(byPath.get('backend/app/signal_handlers.py')).toContain('MODE = "gunicorn"');
    expect(byPath.get('backend/app/signal_handlers.py')).toContain('DEFAULT_TIMEOUT_SECONDS: float = 12.5');
    // gunicorn wants whole seconds: rounded up so the workers get the full budget.
    expect(byPath.get('backend/gunicorn.conf.py')).toMatch(/^graceful_timeout = 13$/m);
    expect(byPath.get('backend/gunicorn.conf.py')).toContain('modules.get("app.signal_handlers")');
  });

  it('patches the existing gunicorn config instead of creating one', () => {
    const root = tempDir('patch');
    mkdirSync(join(root, 'backend', 'deploy'), { recursive: true });
    writeFileSync(join(root, 'backend', 'deploy', 'gunicorn.conf.py'), 'workers = 2\n');
    const plan = planFor(root, { ...monorepoGunicorn, gunicornConfig: 'backend/deploy/gunicorn.conf.py' });
    const conf = plan.changes().find((c) => c.path === 'backend/deploy/gunicorn.conf.py');
    expect(conf?.before).toBe('workers = 2\n');
    expect(conf?.after.startsWith('workers = 2\n')).toBe(true);
    expect(plan.changes().some((c) => c.path === 'backend/gunicorn.conf.py')).toBe(false);
  });

  it('running a second time plans no change (idempotent)', () => {
    const app: PythonApp = { ...monorepoGunicorn, gunicornConfig: null };
    const root = tempDir('twice');
    for (const change of planFor(root, app).changes()) {
      mkdirSync(dirname(join(root, change.path)), { recursive: true });
      writeFileSync(join(root, change.path), change.after);
    }
    const again = planFor(root, { ...app, gunicornConfig: 'backend/gunicorn.conf.py' });
    expect(again.changes()).toEqual([]);
  });

  it("renders its own gunicorn.conf.py again on a re-run (a generated file, not the user's to patch)", () => {
    const app: PythonApp = { ...monorepoGunicorn, gunicornConfig: null };
    const root = tempDir('own-conf');
    for (const change of planFor(root, app).changes()) {
      mkdirSync(dirname(join(root, change.path)), { recursive: true });
      writeFileSync(join(root, change.path), change.after);
    }
    const again = { ...app, gunicornConfig: 'backend/gunicorn.conf.py' };
    const read = (p: string): string | null => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null);
    const ctx: GeneratorContext = { facts: {} as GeneratorContext['facts'], answers: answers(), app: again, current: read };
    const conf = pythonModuleGenerator.actions(ctx).filter((a) => 'path' in a && a.path === 'backend/gunicorn.conf.py');
    expect(conf.map((a) => a.type)).toEqual(['plan-render']);
    // A budget change renders the new value into it.
    const changed = planFor(root, again, answers({ timeoutMs: 12_000 }))
      .changes()
      .find((c) => c.path === 'backend/gunicorn.conf.py');
    expect(changed?.after).toMatch(/^graceful_timeout = 12$/m);
  });

  it('regenerates its own module when the budget changes', () => {
    const app = pythonApp({ entrypoint: { path: 'worker.py', module: 'worker', appVariable: null, inPackage: false } });
    const dir = materialize('python-plain-worker', app, answers({ timeoutMs: 5000 }));
    const changes = planFor(dir, app, answers({ timeoutMs: 9000 })).changes();
    expect(changes.map((c) => c.path)).toEqual(['signal_handlers.py']);
    expect(changes[0]?.after).toContain('DEFAULT_TIMEOUT_SECONDS: float = 9');
  });

  it('replaces an earlier module with the same API, with a warning in the plan', () => {
    const root = tempDir('seed');
    cpSync(join(FIXTURES, 'seed-module'), root, { recursive: true });
    const plan = planFor(root, pythonApp());
    expect(plan.changes().map((c) => c.path)).toEqual(['signal_handlers.py']);
    expect(plan.notes).toEqual([expect.objectContaining({ level: 'warn', file: 'signal_handlers.py' })]);
  });

  it('stops the run with a UserError naming gunicorn.conf.py when the config cannot be patched safely', () => {
    const root = tempDir('computed');
    mkdirSync(join(root, 'backend'), { recursive: true });
    writeFileSync(join(root, 'backend', 'gunicorn.conf.py'), 'import os\ngraceful_timeout = int(os.environ["T"])\n');
    const app = { ...monorepoGunicorn, gunicornConfig: 'backend/gunicorn.conf.py' };
    expect(() => planFor(root, app)).toThrow(UserError);
    expect(() => planFor(root, app)).toThrow(/^gunicorn\.conf\.py: graceful_timeout is computed \(line 2: /);
  });

  it('refuses to overwrite an unrelated signal_handlers.py', () => {
    const root = tempDir('foreign');
    cpSync(join(FIXTURES, 'foreign-module'), root, { recursive: true });
    expect(() => planFor(root, pythonApp())).toThrow(UserError);
    expect(() => planFor(root, pythonApp())).toThrow(/signal_handlers\.py: exists and was not generated by this tool/);
  });

  it.each(['uvicorn', 'daphne'] as const)(
    'Django on %s (no lifespan: nothing would import the module) gets no module, and a note that says what works',
    (server) => {
      const plan = planFor(tempDir('django'), pythonApp({ framework: 'django', server }));
      expect(plan.changes().filter((c) => c.path.endsWith('signal_handlers.py'))).toEqual([]);
      expect(plan.notes[0]?.message).toMatch(
        new RegExp(`nothing written: Django's ASGI application has no lifespan shutdown hook under ${server}`),
      );
      expect(plan.notes[0]?.message).toMatch(/atexit\.register\(your_cleanup\)/);
      expect(plan.notes[0]?.message).not.toMatch(/run_shutdown_handlers_async\(\) from the app's shutdown hook/);
    },
  );
});

describe('gunicorn command-line notes', () => {
  it('warns when the start command overrides graceful_timeout or names another config', () => {
    const app = pythonApp({
      framework: 'flask',
      server: 'gunicorn',
      startCommand: 'gunicorn -c deploy/gunicorn.py --graceful-timeout 90 app:app',
      entrypoint: { path: 'app.py', module: 'app', appVariable: 'app', inPackage: false },
    });
    const plan = planFor(tempDir('notes'), app);
    const messages = plan.notes.map((n) => n.message).join('\n');
    expect(messages).toMatch(/--graceful-timeout, which overrides graceful_timeout = 5/);
    expect(messages).toMatch(/names its own gunicorn config/);
  });

  it("says nothing when the command's --graceful-timeout is the budget (its own Dockerfile CMD)", () => {
    const app = pythonApp({
      framework: 'flask',
      server: 'gunicorn',
      startCommand: 'gunicorn --bind 0.0.0.0:8000 --graceful-timeout 5 app:app',
      entrypoint: { path: 'app.py', module: 'app', appVariable: 'app', inPackage: false },
    });
    const plan = planFor(tempDir('same-timeout'), app, answers({ timeoutMs: 5000 }));
    expect(plan.notes.map((n) => n.message).join('\n')).not.toMatch(/--graceful-timeout/);
    const other = planFor(
      tempDir('other-timeout'),
      { ...app, startCommand: 'gunicorn --graceful-timeout=30 app:app' },
      answers({ timeoutMs: 5000 }),
    );
    expect(other.notes.map((n) => n.message).join('\n')).toMatch(/--graceful-timeout, which overrides graceful_timeout = 5/);
  });
});
