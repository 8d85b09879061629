/**
 * The 'python-entrypoint' generator on detected fixture repos: detection -> actions -> the
 * in-memory Plan. Proves the edit planned for each kind of app, the warning (with the exact lines)
 * where it refuses or cannot apply, and that a second run plans no change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import type { Facts, PythonApp } from '../../src/detect/facts.js';
import { detectPythonApps } from '../../src/detect/python.js';
import { pythonEntrypointGenerator } from '../../src/generators/python-entrypoint.js';
import type { GeneratorContext, PlanAction } from '../../src/generators/types.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { pythonSyntaxError } from './fixtures.js';
import { answersFor, factsFor } from '../helpers/builders.js';

const REPOS = join(import.meta.dirname, '../fixtures/python-detect');
const ANSWERS: Answers = answersFor({ apps: [], parts: ['entrypoint'] });

function setup(repo: string, override?: (path: string) => string | null) {
  const files = listRepoFiles(join(REPOS, repo));
  const app = detectPythonApps(files)[0]!;
  const facts: Facts = factsFor(files.root, [app]);
  const read = override ?? ((p: string) => files.read(p));
  const plan = new Plan(read);
  const ctx: GeneratorContext = { facts, answers: { ...ANSWERS, apps: [app.dir] }, app, current: (p) => plan.current(p) };
  return { app, ctx, plan };
}

/** Run the actions the way the lead's plop actions do: edits and notes into the Plan. */
function run(plan: Plan, actions: PlanAction[]): void {
  for (const a of actions) {
    if (a.type === 'plan-edit') plan.edit(a.path, a.edit, a.reason);
    else if (a.type === 'plan-note') plan.note(a.level, a.message, a.file);
    else throw new Error(`unexpected action ${a.type}`);
  }
}

describe('python-entrypoint generator', () => {
  it.each([
    // pyproject.toml pins fastapi>=0.110: FastAPI's own `lifespan=` parameter (0.93+).
    ['package-app-main', 'app/main.py', ['from .signal_handlers import lifespan', 'app = FastAPI(lifespan=lifespan)']],
    ['flask-gunicorn-procfile', 'app.py', ['from signal_handlers import setup_signal_handlers', 'setup_signal_handlers()']],
    ['django-gunicorn', 'mysite/wsgi.py', ['from .signal_handlers import setup_signal_handlers', 'setup_signal_handlers()']],
    ['project-scripts', 'src/mytool/cli.py', ['from .signal_handlers import setup_signal_handlers', '    setup_signal_handlers()']],
    // Under gunicorn (uvicorn workers included) gunicorn.conf.py's hooks run the handlers.
    ['gunicorn-uvicorn-worker-factory', 'web.py', ['from signal_handlers import setup_signal_handlers', 'setup_signal_handlers()']],
    ['uvicorn-workers-makefile', 'server.py', ['api = Starlette(lifespan=lifespan)']],
    ['asyncio-worker', 'worker.py', ['    setup_signal_handlers()']],
  ] as const)('%s: one edit of %s', (repo, path, lines) => {
    const { ctx, plan } = setup(repo);
    expect(pythonEntrypointGenerator.appliesTo(ctx)).toBe(true);
    const actions = pythonEntrypointGenerator.actions(ctx);
    // mytool's main() has no job loop to make stop between jobs: the edit says so, once.
    const loopNote = repo === 'project-scripts' ? [['plan-note', path]] : [];
    expect(actions.map((a) => [a.type, 'path' in a ? a.path : a.file])).toEqual([['plan-edit', path], ...loopNote]);
    run(plan, actions);
    const notes = [...plan.notes];
    const [change] = plan.changes();
    expect(change?.path).toBe(path);
    const after = change!.after.split('\n');
    for (const line of lines) expect(after).toContain(line);
    expect(pythonSyntaxError(change!.after)).toBeNull();

    // A second run over the planned result plans nothing more.
    const again = pythonEntrypointGenerator.actions(ctx);
    run(plan, again);
    expect(plan.changes()[0]!.after).toBe(change!.after);
    expect(again.filter((a) => a.type === 'plan-note')).toEqual([]);
    expect(plan.notes).toEqual(notes);
  });

  it("makes the asyncio worker's `while True:` loop stop between jobs, with no warning", () => {
    const { ctx, plan } = setup('asyncio-worker');
    const actions = pythonEntrypointGenerator.actions(ctx);
    expect(actions.map((a) => a.type)).toEqual(['plan-edit']);
    run(plan, actions);
    const after = plan.changes()[0]!.after;
    expect(after).toMatch(/^from signal_handlers import setup_signal_handlers, keep_running, interruptible_sleep_async$/m);
    expect(after).toMatch(/^ {8}await interruptible_sleep_async\(1\)$/m);
    expect(after).toMatch(/^ {4}while keep_running\(\):$/m);
    expect(after).not.toMatch(/while True/);
  });

  it('leaves a program whose job loop has a condition of its own as it is, with one warning saying what to change', () => {
    const loop = 'import time\n\nrunning = True\n\nif __name__ == "__main__":\n    while running:\n        time.sleep(1)\n';
    const { ctx, plan } = setup('asyncio-worker', (p) => (p === 'worker.py' ? loop : null));
    const actions = pythonEntrypointGenerator.actions(ctx);
    expect(actions.map((a) => a.type)).toEqual(['plan-note']);
    run(plan, actions);
    // Signal handlers alone would stop it in the middle of the job in hand: nothing is edited.
    expect(plan.changes()).toEqual([]);
    expect(plan.notes).toEqual([
      {
        level: 'warn',
        file: 'worker.py',
        message:
          'worker.py:6: left as it is, and so is how it stops (no signal handlers, no tini): the tool rewrites only a `while True:` job loop, ' +
          "and this one's condition is `running`. To have SIGTERM and Ctrl+C let the round in hand finish: write it as `while True:` with " +
          '`if not (running): break` as its first statement; then run the tool again.',
      },
    ]);
  });

  it("makes the wait between rounds in the helper the loop calls last end on shutdown, and leaves the round's own work alone", () => {
    const source =
      'import time\n\n\ndef work() -> None:\n    time.sleep(0.5)\n\n\ndef nap(seconds: float) -> None:\n    time.sleep(seconds)\n\n\n' +
      'if __name__ == "__main__":\n    while True:\n        work()\n        nap(60.0)\n';
    const { ctx, plan } = setup('asyncio-worker', (p) => (p === 'worker.py' ? source : null));
    const actions = pythonEntrypointGenerator.actions(ctx);
    expect(actions.map((a) => a.type)).toEqual(['plan-edit']);
    run(plan, actions);
    const after = plan.changes()[0]!.after;
    expect(after).toMatch(/^ {4}time\.sleep\(0\.5\)$/m);
    expect(after).toMatch(/^ {4}interruptible_sleep\(seconds\)$/m);
    expect(after).toMatch(/^ {4}while keep_running\(\):$/m);
  });

  it('warns instead of editing when the server owns the signals and offers no hook (Django runserver)', () => {
    const { ctx } = setup('django-manage');
    expect(pythonEntrypointGenerator.actions(ctx)).toEqual([
      {
        type: 'plan-note',
        level: 'warn',
        file: 'manage.py',
        message:
          "manage.py: not wired: Django runs without gunicorn here (no gunicorn start command found); run it under gunicorn so the registered handlers run from gunicorn's hooks.",
      },
    ]);
  });

  it('warns instead of editing a Flask app on its development server', () => {
    const { ctx } = setup('flask-dev-server');
    const [note, ...rest] = pythonEntrypointGenerator.actions(ctx);
    expect(rest).toEqual([]);
    expect(note).toMatchObject({ type: 'plan-note', level: 'warn', file: 'app.py' });
    expect(note && 'message' in note ? note.message : '').toMatch(/^app\.py: not wired: Flask runs without gunicorn here/);
  });

  it('turns a refusal into a warning with the exact lines and where', () => {
    const refused = readFileSync(join(import.meta.dirname, '../fixtures/python-entrypoint/refuse-imported-factory/input.py'), 'utf8');
    const { ctx, plan } = setup('monorepo-backend-frontend', (p) => (p === 'backend/app/main.py' ? refused : null));
    const actions = pythonEntrypointGenerator.actions(ctx);
    expect(actions).toEqual([
      {
        type: 'plan-note',
        level: 'warn',
        file: 'backend/app/main.py',
        message:
          'backend/app/main.py:3: not wired automatically (`app` is not created by a FastAPI(...) or Starlette(...) call this tool can follow). ' +
          'Add by hand after the line that creates `app`:\n' +
          '    from .signal_handlers import hook_lifespan\n' +
          '    hook_lifespan(app)',
      },
    ]);
    run(plan, actions);
    expect(plan.changes()).toEqual([]);
  });

  it('does not apply to a Python app without an entry module', () => {
    const { ctx, app } = setup('asyncio-worker');
    const noEntry: PythonApp = { ...app, entrypoint: null };
    expect(pythonEntrypointGenerator.appliesTo({ ...ctx, app: noEntry })).toBe(false);
    expect(pythonEntrypointGenerator.actions({ ...ctx, app: noEntry })).toEqual([]);
  });
});
