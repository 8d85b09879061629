/**
 * The hooks the generated gunicorn.conf.py block defines besides worker_exit (when_ready and
 * post_worker_init: the listen-backlog drain of sync workers), executed by CPython with stand-ins
 * for gunicorn's arbiter and worker: a user's hooks of the same names keep running, and the drain
 * is installed for gunicorn's sync worker class only. Real gunicorn runs: test/python-e2e/gunicorn-drain.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patchGunicornConf } from '../../src/edits/gunicorn-conf.js';
import { cleanUp, PYTHON, tempDir, USER_HOOKS_CONF } from './helpers.js';

const FIXTURE = USER_HOOKS_CONF;

afterEach(cleanUp);

// Loads the conf as gunicorn does (exec as a module), then calls the hooks in gunicorn's order:
// when_ready(arbiter) in the master, post_worker_init(worker) and worker_exit(arbiter, worker) in a worker.
const driver = `
import os, runpy, sys, types
hooks_file = os.environ["HOOKS_FILE"]
module_name, class_name = sys.argv[2].rsplit(".", 1)
worker_class = type(class_name, (), {"accept": lambda self, listener: None})
worker_class.__module__ = module_name
conf = runpy.run_path(sys.argv[1])
def original_term():
    pass
server = types.SimpleNamespace(worker_class=worker_class, app=types.SimpleNamespace(), handle_term=original_term,
                               reexec_pid=0, master_pid=0, systemd=False, log=None)
conf["when_ready"](server)
worker = worker_class()
worker.app = server.app
worker.pid = os.getpid()
conf["post_worker_init"](worker)
conf["worker_exit"](server, worker)
drain = [
    "term wrapped" if server.handle_term is not original_term else "term untouched",
    "accept wrapped" if "accept" in vars(worker) else "accept untouched",
]
with open(hooks_file, "a", encoding="utf-8") as f:
    f.write("\\n".join(drain) + "\\n")
`;

function run(source: string, workerClass: string): string[] {
  const dir = tempDir('hooks');
  writeFileSync(join(dir, 'gunicorn.conf.py'), source);
  const hooks = join(dir, 'hooks.log');
  execFileSync(PYTHON, ['-c', driver, join(dir, 'gunicorn.conf.py'), workerClass], { env: { HOOKS_FILE: hooks }, encoding: 'utf8' });
  return readFileSync(hooks, 'utf8').split('\n').filter(Boolean);
}

const patched = patchGunicornConf(readFileSync(FIXTURE, 'utf8'), { handlersModule: 'app.signal_handlers', gracefulTimeout: 8 })
  .text as string;

describe('a user gunicorn.conf.py with when_ready, post_worker_init and worker_exit, after the edit', () => {
  it('keeps the user lines and each user hook runs once, in gunicorn order; sync workers get the drain', () => {
    for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) {
      if (!/graceful_timeout/.test(line)) expect(patched).toContain(line);
    }
    expect(run(patched, 'gunicorn.workers.sync.SyncWorker')).toEqual([
      'user when_ready',
      'user post_worker_init',
      'user worker_exit',
      'term wrapped',
      'accept wrapped',
    ]);
  });

  it.each(['gunicorn.workers.gthread.ThreadWorker', 'gunicorn.workers.ggevent.GeventWorker', 'myapp.workers.SyncWorker'])(
    '%s: the user hooks run, nothing of gunicorn is wrapped',
    (workerClass) => {
      expect(run(patched, workerClass)).toEqual([
        'user when_ready',
        'user post_worker_init',
        'user worker_exit',
        'term untouched',
        'accept untouched',
      ]);
    },
  );

  it('with --shutdown-delay the same hooks run once (one when_ready, not two)', () => {
    const delayed = patchGunicornConf(readFileSync(FIXTURE, 'utf8'), {
      handlersModule: 'app.signal_handlers',
      gracefulTimeout: 6,
      shutdownDelaySeconds: 2,
    }).text as string;
    expect(delayed.match(/^def when_ready\(/gm)).toHaveLength(2); // the user's and the block's
    expect(run(delayed, 'gunicorn.workers.sync.SyncWorker')).toEqual([
      'user when_ready',
      'user post_worker_init',
      'user worker_exit',
      'term wrapped',
      'accept wrapped',
    ]);
  });
});
