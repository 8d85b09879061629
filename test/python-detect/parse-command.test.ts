/** The start-command reader: what each common way of starting a Python app launches. */
import { describe, expect, it } from 'vitest';
import { parseCommand, parseWords, type PythonLaunch } from '../../src/detect/python-command.js';

type Seen = Partial<PythonLaunch>;
const pick = (l: PythonLaunch | null): Seen | null =>
  l && (Object.fromEntries(Object.entries(l).filter(([k, v]) => k !== 'command' && v !== null && v !== false)) as Seen);

describe('parseCommand', () => {
  it.each<[string, Seen | null]>([
    ['uvicorn main:app --host 0.0.0.0 --port 8000', { kind: 'app', server: 'uvicorn', module: 'main', variable: 'app' }],
    ['uvicorn --workers 4 app.main:app', { kind: 'app', server: 'uvicorn', module: 'app.main', variable: 'app', workers: 4 }],
    [
      'uvicorn --workers=2 --factory --app-dir src pkg.web:create_app',
      { kind: 'app', server: 'uvicorn', module: 'pkg.web', variable: 'create_app', workers: 2, factory: true, chdir: 'src' },
    ],
    ['python -m uvicorn main:api', { kind: 'app', server: 'uvicorn', module: 'main', variable: 'api' }],
    ['gunicorn -w4 -b 0.0.0.0:8000 app:app', { kind: 'app', server: 'gunicorn', module: 'app', variable: 'app', workers: 4 }],
    [
      'gunicorn --bind :8000 --config python:conf.gunicorn mysite.wsgi',
      { kind: 'app', server: 'gunicorn', module: 'mysite.wsgi', variable: 'application', config: 'conf.gunicorn' },
    ],
    ["gunicorn 'app:create_app()'", { kind: 'app', server: 'gunicorn', module: 'app', variable: 'create_app', factory: true }],
    ['fastapi run', { kind: 'fastapi-path', server: 'fastapi-cli' }],
    ['fastapi dev src/main.py --app api', { kind: 'fastapi-path', server: 'fastapi-cli', path: 'src/main.py', variable: 'api' }],
    ['python -m worker', { kind: 'module', server: 'none', module: 'worker' }],
    ['$(PYTHON) -m uvicorn api:app --reload', { kind: 'app', server: 'uvicorn', module: 'api', variable: 'app' }],
    ['python3 -u main.py --verbose', { kind: 'script', server: 'none', path: 'main.py' }],
    ['python manage.py runserver 0.0.0.0:8000', { kind: 'manage', server: 'none', path: 'manage.py' }],
    ['FLASK_APP=hello flask run --host 0.0.0.0', { kind: 'flask-cli', server: 'none', module: 'hello' }],
    ['cd /app && exec poetry run uvicorn main:app', { kind: 'app', server: 'uvicorn', module: 'main', variable: 'app' }],
    ['tini -g -- ddtrace-run gunicorn wsgi:app', { kind: 'app', server: 'gunicorn', module: 'wsgi', variable: 'app' }],
    ['sh -c "alembic upgrade head && uvicorn main:app"', { kind: 'app', server: 'uvicorn', module: 'main', variable: 'app' }],
    ['./start.sh', { kind: 'shell-script', server: 'none', path: './start.sh' }],
    ['/start', { kind: 'shell-script', server: 'none', path: '/start' }],
    ['python /app/manage.py collectstatic --noinput', null],
    [
      'python manage.py migrate && gunicorn config.wsgi',
      { kind: 'app', server: 'gunicorn', module: 'config.wsgi', variable: 'application' },
    ],
    ['gunicorn', { kind: 'app', server: 'gunicorn' }],
    [
      'daphne -b 0.0.0.0 -p 8000 config.asgi:application',
      { kind: 'app', server: 'daphne', module: 'config.asgi', variable: 'application' },
    ],
    [
      'REMAP_SIGTERM=SIGQUIT celery -A config.celery_app worker --loglevel=info',
      { kind: 'celery', server: 'none', module: 'config.celery_app', celeryCommand: 'worker', env: { REMAP_SIGTERM: 'SIGQUIT' } },
    ],
    [
      'python -m celery --app=proj.celery:app beat -s /tmp/beat',
      { kind: 'celery', server: 'none', module: 'proj.celery', celeryCommand: 'beat', env: {} },
    ],
    ['npm run dev', null],
    ['python -c "print(1)"', null],
  ])('%s', (line, expected) => {
    expect(pick(parseCommand(line))).toEqual(expected);
  });

  it('reads console scripts the project declares', () => {
    const scripts = new Map([['serve', 'shop.cli:serve']]);
    expect(pick(parseCommand('serve --port 80', scripts))).toEqual({
      kind: 'console-script',
      server: 'none',
      module: 'shop.cli',
      variable: 'serve',
    });
  });

  it('keeps spaces inside exec-form words', () => {
    expect(pick(parseWords(['sh', '-c', 'exec gunicorn -k uvicorn.workers.UvicornWorker app:app']))).toEqual({
      kind: 'app',
      server: 'gunicorn',
      module: 'app',
      variable: 'app',
      workerClass: 'uvicorn.workers.UvicornWorker',
    });
  });
});
