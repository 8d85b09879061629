/**
 * Through the built CLI (`npm run build` first): the timeout chain of a gunicorn web app leaves out
 * the Celery services built from the same image (issue 13: "the chain blames Celery services that do
 * not run gunicorn"), whether compose runs celery directly or through a copied start script; a web
 * service whose grace is too short is still reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'create-graceful-shutdown.js');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

it('Celery services are not blamed for gunicorn graceful_timeout; the web service still is', () => {
  const root = mkdtempSync(join(tmpdir(), 'pyapps-celery-chain-'));
  made.push(root);
  const files: Record<string, string> = {
    'requirements.txt': 'flask\ngunicorn\ncelery\n',
    'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
    'tasks.py': 'from celery import Celery\n\ncelery_app = Celery("tasks")\n',
    'start-worker.sh': '#!/bin/sh\nexec celery -A tasks worker -l INFO\n',
    Dockerfile:
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCOPY start-worker.sh /start-worker\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "--graceful-timeout", "20", "app:app"]\n',
    'docker-compose.yml': [
      'services:',
      '  web:',
      '    build: .',
      '    command: gunicorn --bind 0.0.0.0:8000 --graceful-timeout 20 app:app',
      '    stop_grace_period: 15s',
      '  worker:',
      '    build: .',
      '    command: celery -A tasks worker -l INFO',
      '  beat:',
      '    build: .',
      '    command: /start-worker',
      '',
    ].join('\n'),
  };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  }
  const run = spawnSync(process.execPath, [BIN, root, '--yes', '--dry-run'], { encoding: 'utf8', env: { ...process.env, CI: '' } });
  const out = run.stdout + run.stderr;
  expect(run.status, out).toBe(0);
  // Both Celery processes are found and reported on their own terms...
  expect(out).toMatch(/docker-compose\.yml: Celery worker \(celery -A tasks worker -l INFO\): SIGTERM is a warm shutdown/);
  expect(out).toMatch(/start-worker\.sh: Celery worker \(celery -A tasks worker -l INFO\): SIGTERM is a warm shutdown/);
  // ...and neither is part of the web app's chain, found or blamed.
  expect(out).not.toMatch(/compose service "(worker|beat)"/);
  // The web service's own too-short grace is still a contradiction.
  expect(out).toMatch(
    /timeout chain: compose service "web" stop_grace_period is 15 s, not more than gunicorn graceful_timeout[^\n]*\(20 s\)/,
  );
});
