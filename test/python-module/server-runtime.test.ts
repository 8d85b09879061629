/**
 * The 'asgi' and 'gunicorn' variants under real servers (Debian's uvicorn, FastAPI, Flask,
 * gunicorn): the fixture repos get the generated module (and gunicorn.conf.py) through the
 * generator, then a 1 s request is in flight when the server gets SIGTERM.
 * The apps register "database", then the $FAULT handler (if any), then "queue"/"cache".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PythonApp } from '../../src/detect/facts.js';
import {
  answers,
  cleanUp,
  events,
  exitWithin,
  freePort,
  GUNICORN,
  httpGet,
  materialize,
  PYTHON,
  pythonApp,
  start,
  waitForEvent,
  waitHealthy,
  type Running,
} from './helpers.js';

const BUDGET_S = 5;

afterEach(cleanUp);

interface Server {
  proc: Running;
  port: number;
  eventsFile: string;
  dir: string;
}

interface ServerSpec {
  repo: string;
  app: PythonApp;
  command(port: number): [string, string[]];
}

const fastapiLifespan: ServerSpec = {
  repo: 'python-fastapi-lifespan',
  app: pythonApp({
    framework: 'fastapi',
    server: 'uvicorn',
    entrypoint: { path: 'app/main.py', module: 'app.main', appVariable: 'app', inPackage: true },
  }),
  command: (port) => [PYTHON, ['-m', 'uvicorn', 'app.main:app', '--host', '127.0.0.1', '--port', String(port)]],
};

const fastapiExisting: ServerSpec = {
  repo: 'python-fastapi-existing-lifespan',
  app: pythonApp({
    framework: 'fastapi',
    server: 'uvicorn',
    entrypoint: { path: 'main.py', module: 'main', appVariable: 'app', inPackage: false },
  }),
  command: (port) => [PYTHON, ['-m', 'uvicorn', 'main:app', '--host', '127.0.0.1', '--port', String(port)]],
};

const uvicornMain = (repo: string, framework: PythonApp['framework']): ServerSpec => ({
  repo,
  app: pythonApp({
    framework,
    server: 'uvicorn',
    entrypoint: { path: 'main.py', module: 'main', appVariable: 'app', inPackage: false },
  }),
  command: (port) => [PYTHON, ['-m', 'uvicorn', 'main:app', '--host', '127.0.0.1', '--port', String(port)]],
});

const flaskPatchedConf: ServerSpec = {
  repo: 'python-flask-gunicorn',
  app: pythonApp({
    framework: 'flask',
    server: 'gunicorn',
    entrypoint: { path: 'app.py', module: 'app', appVariable: 'app', inPackage: false },
    gunicornConfig: 'gunicorn.conf.py',
  }),
  command: (port) => [GUNICORN, ['-c', 'gunicorn.conf.py', '--bind', `127.0.0.1:${port}`, 'app:app']],
};

const flaskNewConf: ServerSpec = {
  ...flaskPatchedConf,
  repo: 'python-flask-gunicorn-new-conf',
  app: { ...flaskPatchedConf.app, gunicornConfig: null },
  // No -c: gunicorn picks ./gunicorn.conf.py up by itself.
  command: (port) => [GUNICORN, ['--bind', `127.0.0.1:${port}`, '--workers', '1', 'app:app']],
};

async function launch(spec: ServerSpec, env: Record<string, string> = {}, waitReady = true): Promise<Server> {
  const dir = materialize(spec.repo, spec.app, answers({ timeoutMs: BUDGET_S * 1000 }));
  const eventsFile = join(dir, 'events.log');
  const port = await freePort();
  const [command, args] = spec.command(port);
  const proc = start(command, args, dir, { EVENTS_FILE: eventsFile, ...env });
  if (waitReady) await waitHealthy(port, proc);
  return { proc, port, eventsFile, dir };
}

/** SIGTERM while a 1 s request is in flight; the reply and the exit. */
async function stopDuringRequest(spec: ServerSpec, env: Record<string, string> = {}) {
  const server = await launch(spec, env);
  const reply = httpGet(server.port, '/slow');
  await waitForEvent(server.eventsFile, 'request:start');
  const signalledAt = performance.now();
  server.proc.child.kill('SIGTERM');
  const [answer, exit] = await Promise.all([reply, exitWithin(server.proc, signalledAt, 30_000)]);
  return { ...server, reply: answer, exit, seen: events(server.eventsFile) };
}

const handlersIn = (seen: string[]) => seen.filter((e) => e.startsWith('handler:'));
const count = (seen: string[], e: string) => seen.filter((x) => x === e).length;

describe('asgi: FastAPI on uvicorn', () => {
  it('lifespan hooked up (app.router.lifespan_context = lifespan): the request gets 200, handlers run once on the server loop after the drain, exit 0 within the budget', async () => {
    const { reply, exit, seen } = await stopDuringRequest(fastapiLifespan);
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(seen).toEqual(['request:start', 'request:done', 'handler:cache', 'handler:cleanup loop=server']);
  });

  it('an existing lifespan composed with wrap_lifespan: it exits first, then the handlers, once each', async () => {
    const { reply, exit, seen } = await stopDuringRequest(fastapiExisting);
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(seen).toEqual([
      'lifespan:startup',
      'ready',
      'request:start',
      'request:done',
      'lifespan:shutdown',
      'handler:queue',
      'handler:database',
    ]);
  });

  it('Starlette(lifespan=wrap_lifespan(existing)): the keyword form composes the same way', async () => {
    const { reply, exit, seen } = await stopDuringRequest(uvicornMain('python-starlette-lifespan', 'starlette'));
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(seen).toEqual(['lifespan:startup', 'request:start', 'request:done', 'lifespan:shutdown', 'handler:queue', 'handler:database']);
  });

  it('FastAPI(lifespan=lifespan) plus setup_signal_handlers(): handlers run once whether or not this FastAPI honours lifespan=', async () => {
    const { reply, exit, seen } = await stopDuringRequest(uvicornMain('python-fastapi-lifespan-kwarg', 'fastapi'));
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(seen).toEqual(['request:start', 'request:done', 'handler:queue', 'handler:database']);
  });

  it('the module installs no signal handler under uvicorn (uvicorn still stops on SIGTERM)', async () => {
    const { dir } = await stopDuringRequest(fastapiExisting);
    const module = readFileSync(join(dir, 'signal_handlers.py'), 'utf8');
    expect(module).not.toMatch(/signal\.signal\(|add_signal_handler\(/);
  });
});

describe('gunicorn: Flask', () => {
  it.each([
    ['patched gunicorn.conf.py (existing worker_exit kept)', flaskPatchedConf, ['hook:user-worker-exit']],
    ['new gunicorn.conf.py', flaskNewConf, []],
  ] as const)(
    '%s: the request gets 200, handlers run once in the worker after it, master exits 0 within the budget',
    async (_, spec, hooks) => {
      const { reply, exit, seen } = await stopDuringRequest(spec);
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('done');
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
      expect(seen.slice(seen.indexOf('request:start'))).toEqual([
        'request:start',
        'request:done',
        ...hooks,
        'handler:queue',
        'handler:database',
      ]);
    },
  );

  it('graceful_timeout in the conf agrees with the budget', async () => {
    const { dir } = await launch(flaskNewConf, {}, false);
    expect(readFileSync(join(dir, 'gunicorn.conf.py'), 'utf8')).toMatch(new RegExp(`^graceful_timeout = ${BUDGET_S}$`, 'm'));
  });
});

interface FaultCase {
  fault: string;
  /** Exit code of the server process. */
  code: number;
  handlers: string[];
  output?: RegExp;
}

const faultCases: FaultCase[] = [
  { fault: 'throw', code: 0, handlers: ['handler:queue', 'handler:throws', 'handler:database'], output: /boom in a shutdown handler/ },
  { fault: 'hang', code: 0, handlers: ['handler:queue', 'handler:hangs', 'handler:database'], output: /'hang' did not finish/ },
  {
    fault: 'hang-async',
    code: 0,
    handlers: ['handler:queue', 'handler:hangs-async', 'handler:database'],
    output: /'hang-async' did not finish/,
  },
  {
    fault: 'sys-exit',
    code: 0,
    handlers: ['handler:queue', 'handler:sys-exit', 'handler:database'],
    output: /called sys\.exit\(3\); ignored/,
  },
];

describe.each([
  { name: 'asgi (uvicorn, existing lifespan)', spec: fastapiExisting, osExitCode: 7 },
  // gunicorn: the worker ends with 7, the master still stops normally.
  { name: 'gunicorn (patched conf)', spec: flaskPatchedConf, osExitCode: 0 },
])('fault matrix: $name', ({ spec, osExitCode }) => {
  it.each(faultCases)('$fault: exit code $code within the budget, every other handler runs', async ({ fault, code, handlers, output }) => {
    const { reply, exit, seen, proc } = await stopDuringRequest(spec, { FAULT: fault });
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(code);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(handlersIn(seen)).toEqual(handlers);
    if (output) expect(proc.output()).toMatch(output);
  });

  it(`os-exit: a handler calling os._exit(7) ends the process at once (server exit ${osExitCode}); handlers before it ran`, async () => {
    const { reply, exit, seen } = await stopDuringRequest(spec, { FAULT: 'os-exit' });
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(osExitCode);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:os-exit']);
  });

  it('a signal before the server is ready: exit 0 within the budget, handlers once', async () => {
    const server = await launch(spec, { BOOT_SECONDS: '2' }, false);
    await waitForEvent(server.eventsFile, spec === fastapiExisting ? 'lifespan:startup' : 'importing');
    const signalledAt = performance.now();
    server.proc.child.kill('SIGTERM');
    const exit = await exitWithin(server.proc, signalledAt, 30_000);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(handlersIn(events(server.eventsFile))).toEqual(['handler:queue', 'handler:database']);
  });

  it('100 SIGTERMs in a burst: the request still gets 200, exit 0, handlers once', async () => {
    const server = await launch(spec);
    const reply = httpGet(server.port, '/slow');
    await waitForEvent(server.eventsFile, 'request:start');
    const signalledAt = performance.now();
    for (let i = 0; i < 100; i++) server.proc.child.kill('SIGTERM');
    const [answer, exit] = await Promise.all([reply, exitWithin(server.proc, signalledAt, 30_000)]);
    expect(answer.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    const seen = events(server.eventsFile);
    expect(count(seen, 'handler:queue')).toBe(1);
    expect(count(seen, 'handler:database')).toBe(1);
  });

  it("an exception in the app's own shutdown code: exit 0 (logged by the server), handlers still run once", async () => {
    const { reply, exit, seen, proc } = await stopDuringRequest(spec, { FAULT: 'raise-after-signal' });
    expect(reply.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:database']);
    expect(proc.output()).toMatch(/failed while stopping|worker_exit hook failed/);
  });
});
