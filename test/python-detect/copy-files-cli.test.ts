/**
 * Through the built CLI (`npm run build` first): every Dockerfile that builds the app copies the
 * generated module, also one outside the app's directory that the docker part does not patch.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'create-graceful-shutdown.js');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

it('a root Dockerfile that copies backend/worker.py gets backend/signal_handlers.py beside it', () => {
  const root = mkdtempSync(join(tmpdir(), 'pyapps-cli-'));
  made.push(root);
  const files: Record<string, string> = {
    'backend/requirements.txt': 'requests\n',
    'backend/worker.py':
      'import time\n\n\ndef main():\n    while True:\n        time.sleep(0.2)\n\n\nif __name__ == "__main__":\n    main()\n',
    Dockerfile:
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY backend/requirements.txt ./\nCOPY backend/worker.py ./\nCMD ["python", "worker.py"]\n',
  };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  const run = spawnSync(process.execPath, [BIN, root, '--yes', '--only', 'module,entrypoint,docker'], {
    encoding: 'utf8',
    env: { ...process.env, CI: '' },
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  expect(readFileSync(join(root, 'backend/worker.py'), 'utf8')).toContain('from signal_handlers import');
  expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain('COPY backend/worker.py backend/signal_handlers.py ./\n');
});

it("the user's own gunicorn.conf.py that the image never copied is named, not copied in", () => {
  const root = mkdtempSync(join(tmpdir(), 'pyapps-cli-'));
  made.push(root);
  const files: Record<string, string> = {
    'requirements.txt': 'flask\ngunicorn\n',
    'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
    'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworkers = 4\n',
    Dockerfile:
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY requirements.txt app.py ./\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n',
  };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  const run = spawnSync(process.execPath, [BIN, root, '--yes', '--only', 'module,entrypoint,docker'], {
    encoding: 'utf8',
    env: { ...process.env, CI: '' },
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain('COPY requirements.txt app.py signal_handlers.py ./\n');
  expect(dockerfile).not.toContain('gunicorn.conf.py');
  expect(run.stdout + run.stderr).toMatch(
    /the image does not copy gunicorn\.conf\.py, so gunicorn in the container runs without its shutdown hook; copy it next to the app \(COPY gunicorn\.conf\.py \.\/\)/,
  );
});
