/**
 * End to end without the CLI: a fixture repo is detected (detectPythonApps), planned by the two
 * Python generators (python-module writes signal_handlers.py, python-entrypoint wires it), written
 * to a temp dir; the only hand edit is registering one handler. Then the real server (Debian's
 * uvicorn with FastAPI 0.92 / Starlette 0.26) gets SIGTERM during a 1 s request:
 * the request gets its 200, the handler runs exactly once, after the app's own shutdown hook,
 * and the process exits well within the budget.
 */
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import { renderTemplate } from '../../src/core/render.js';
import type { Facts } from '../../src/detect/facts.js';
import { detectPythonApps } from '../../src/detect/python.js';
import { pythonEntrypointGenerator } from '../../src/generators/python-entrypoint.js';
import { pythonModuleGenerator } from '../../src/generators/python-module.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { cleanUp, events, exitWithin, freePort, httpGet, start, tempDir, waitForEvent, waitHealthy } from '../python-module/helpers.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { answersFor, factsFor } from '../helpers/builders.js';

const REPOS = join(import.meta.dirname, '../fixtures/repos');
const BUDGET_MS = 5000;

afterEach(cleanUp);

/** Detect, plan both Python generators, write: what the CLI does with --yes. */
function generate(repo: string): { dir: string; entry: string; importFrom: string; command: string } {
  const dir = tempDir(repo);
  cpSync(join(REPOS, repo), dir, { recursive: true });
  const files = listRepoFiles(dir);
  const [app] = detectPythonApps(files);
  if (!app?.entrypoint || !app.startCommand) throw new Error(`${repo}: detection found no entrypoint/start command`);
  const answers: Answers = answersFor({ apps: [app.dir], timeoutMs: BUDGET_MS });
  const facts: Facts = factsFor(dir, [app]);
  const plan = new Plan((p) => files.read(p));
  const ctx: GeneratorContext = { facts, answers, app, current: (p) => plan.current(p) };
  for (const gen of [pythonModuleGenerator, pythonEntrypointGenerator]) {
    for (const a of gen.actions(ctx)) {
      if (a.type === 'plan-render') plan.write(a.path, renderTemplate(a.template, a.data), a.reason);
      else if (a.type === 'plan-write') plan.write(a.path, a.content, a.reason);
      else if (a.type === 'plan-edit') plan.edit(a.path, a.edit, a.reason);
      else plan.note(a.level, a.message, a.file);
    }
  }
  expect(plan.notes.filter((n) => n.level === 'warn')).toEqual([]);
  for (const c of plan.changes()) {
    mkdirSync(dirname(join(dir, c.path)), { recursive: true });
    writeFileSync(join(dir, c.path), c.after);
  }
  return {
    dir,
    entry: app.entrypoint.path,
    importFrom: app.entryImport === 'relative' ? '.signal_handlers' : 'signal_handlers',
    command: app.startCommand,
  };
}

describe.each([
  ['python-entrypoint-fastapi', 'app.main:app', ['on_event:shutdown', 'handler:db']],
  ['python-entrypoint-starlette', 'server:app', ['handler:db']],
] as const)('%s under uvicorn', (repo, target, shutdownOrder) => {
  it('SIGTERM during a 1 s request: 200, handler once, exit within the budget', async () => {
    const { dir, entry, importFrom, command } = generate(repo);
    expect(command).toContain(target);
    await expect(readFileSync(join(dir, entry), 'utf8')).toMatchFileSnapshot(`../../snapshots/python-entrypoint/e2e-${repo}/${entry}`);
    // The one hand edit: register a handler.
    appendFileSync(
      join(dir, entry),
      `\nfrom ${importFrom} import register_shutdown_handler\n\nregister_shutdown_handler("db", lambda: event("handler:db"))\n`,
    );
    expect(readFileSync(join(dir, entry), 'utf8')).toMatch(/hook_lifespan|wrap_lifespan|lifespan=lifespan/);

    const port = await freePort();
    const eventsFile = join(dir, 'events.log');
    const proc = start('/usr/bin/python3', ['-m', 'uvicorn', target, '--host', '127.0.0.1', '--port', String(port)], dir, {
      EVENTS_FILE: eventsFile,
      REQUEST_SECONDS: '1',
    });
    await waitHealthy(port, proc);
    const reply = httpGet(port, '/slow');
    await waitForEvent(eventsFile, 'request:start');
    const since = performance.now();
    process.kill(proc.child.pid!, 'SIGTERM');

    expect(await reply).toEqual({ status: 200, body: '{"status":"done"}' });
    const exit = await exitWithin(proc, since, BUDGET_MS + 5000);
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_MS);
    expect(events(eventsFile)).toEqual(['request:start', 'request:done', ...shutdownOrder]);
  });
});
