/**
 * An app is something a launcher runs (issue #13). Each case fails on 4a075a1:
 * - settings packages with a setup.py, libraries, tests, CI scripts and a bot template's repository
 *   module were apps there (modules, wiring, a root Dockerfile followed);
 * - a script without a manifest was not found ("found no Node or Python app");
 * - Django on gunicorn from a Procfile with a root gunicorn.conf.py, or from an entrypoint script,
 *   was "runs without gunicorn"; Django on uvicorn/daphne and Celery workers were not seen.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRepoFiles } from '../../src/detect/files.js';
import { detectPythonApps } from '../../src/detect/python.js';

const CORPUS = join(import.meta.dirname, '../corpus/python');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pyapps-detect-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const detect = (root: string) => detectPythonApps(listRepoFiles(root));
const summary = (root: string) =>
  detect(root).map((a) => ({ dir: a.dir, entry: a.entrypoint?.path ?? null, framework: a.framework, server: a.server }));

const WORKER = 'import time\n\n\ndef main():\n    while True:\n        time.sleep(1)\n\n\nif __name__ == "__main__":\n    main()\n';

describe('not apps', () => {
  it('a settings package with a setup.py', () => {
    expect(detect(join(CORPUS, 'settings-package'))).toEqual([]);
  });

  it('a library whose only __main__ blocks are CI and release scripts (scripts/, .github/)', () => {
    expect(detect(join(CORPUS, 'ci-scripts'))).toEqual([]);
  });

  it("a bot template's database module named setup.py (not a setuptools script) and its repositories", () => {
    expect(summary(join(CORPUS, 'tgbot'))).toEqual([{ dir: '', entry: 'bot.py', framework: 'asyncio', server: 'none' }]);
  });

  it('test, lint and CI shell scripts are not start commands', () => {
    const root = repo({
      'requirements.txt': 'fastapi\nuvicorn\n',
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'app/tools.py': 'if __name__ == "__main__":\n    print("helper")\n',
      'scripts/test.sh': '#!/bin/sh\npython -m app.tools\n',
      Dockerfile: 'FROM python:3.12\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n',
    });
    expect(summary(root)).toEqual([{ dir: '', entry: 'app/main.py', framework: 'fastapi', server: 'uvicorn' }]);
  });

  it('a module with a __main__ self-test below the top level is not an entry', () => {
    const root = repo({
      'pyproject.toml': '[project]\nname = "lib"\ndependencies = ["requests"]\n',
      'lib/__init__.py': '',
      'lib/codec.py': 'def enc(x):\n    return x\n\n\nif __name__ == "__main__":\n    assert enc(1) == 1\n',
    });
    expect(detect(root)).toEqual([]);
  });
});

describe('scripts without a manifest', () => {
  it.each<[string, Record<string, string>, string]>([
    ['Dockerfile', { Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY worker.py ./\nCMD ["python", "worker.py"]\n' }, 'Dockerfile'],
    ['Procfile', { Procfile: 'worker: python worker.py\n' }, 'Procfile'],
    [
      'compose command',
      {
        'docker-compose.yml': 'services:\n  worker:\n    build: .\n    command: python -u worker.py\n',
        Dockerfile: 'FROM python:3.12\nCOPY . /app\n',
      },
      'docker-compose.yml',
    ],
  ])('worker.py with a __main__ guard, run by a %s', (_name, files, source) => {
    const [app] = detect(repo({ 'worker.py': WORKER, ...files }));
    expect(app).toMatchObject({
      dir: '',
      framework: 'plain',
      server: 'none',
      startSource: source,
      foundBy: 'launcher',
      entrypoint: { path: 'worker.py', module: 'worker' },
    });
  });

  it("a launcher dir inside a project does not take the project's Dockerfile away", () => {
    const root = repo({
      'requirements.txt': 'flask\ngunicorn\n',
      'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      'deploy/Dockerfile': 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "app:app"]\n',
      'deploy/render_config.py': 'if __name__ == "__main__":\n    print("config")\n',
    });
    expect(detect(root)).toMatchObject([{ dir: '', server: 'gunicorn', startSource: 'deploy/Dockerfile', entrypoint: { path: 'app.py' } }]);
  });

  it('a script nothing runs, beside a Node app, is not an app', () => {
    expect(
      detect(
        repo({
          'package.json': '{"scripts":{"start":"node server.js"}}',
          'server.js': '',
          Dockerfile: 'FROM node:22\nCMD ["node", "server.js"]\n',
          'gen.py': WORKER,
        }),
      ),
    ).toEqual([]);
  });
});

describe('launchers', () => {
  it('supervisor and systemd units', () => {
    const sup = repo({
      'requirements.txt': 'flask\ngunicorn\n',
      'microblog.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      'deployment/supervisor/microblog.conf':
        '[program:microblog]\ncommand=/home/ubuntu/microblog/venv/bin/gunicorn -b localhost:8000 -w 4 microblog:app\ndirectory=/home/ubuntu/microblog\n',
    });
    expect(detect(sup)[0]).toMatchObject({
      server: 'gunicorn',
      workers: 4,
      startSource: 'deployment/supervisor/microblog.conf',
      entrypoint: { path: 'microblog.py' },
    });
    const unit = repo({
      'requirements.txt': 'uvicorn\nstarlette\n',
      'api.py': 'from starlette.applications import Starlette\n\napp = Starlette()\n',
      'deploy/api.service': '[Service]\nExecStart=/opt/venv/bin/uvicorn api:app --port 9000\nKillSignal=SIGTERM\n',
    });
    expect(detect(unit)[0]).toMatchObject({
      server: 'uvicorn',
      startSource: 'deploy/api.service',
      entrypoint: { path: 'api.py', appVariable: 'app' },
    });
  });

  it('a start script is followed to its exec, past one-shot manage.py steps', () => {
    const root = repo({
      'requirements.txt': 'django\ngunicorn\n',
      'manage.py': 'import sys\n\nif __name__ == "__main__":\n    print(sys.argv)\n',
      'mysite/__init__.py': '',
      'mysite/wsgi.py': 'from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n',
      'docker-entrypoint.sh':
        '#!/bin/sh\nset -e\npython manage.py migrate --noinput\npython manage.py collectstatic --noinput\nexec gunicorn mysite.wsgi:application --bind 0.0.0.0:8000\n',
      Dockerfile: 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["./docker-entrypoint.sh"]\n',
    });
    expect(summary(root)).toEqual([{ dir: '', entry: 'mysite/wsgi.py', framework: 'django', server: 'gunicorn' }]);
  });
});

describe('Django', () => {
  it('Procfile `web: gunicorn` with a root gunicorn.conf.py naming config.wsgi:application', () => {
    expect(detect(join(CORPUS, 'django-procfile'))[0]).toMatchObject({
      framework: 'django',
      server: 'gunicorn',
      startSource: 'Procfile',
      gunicornConfig: 'gunicorn.conf.py',
      entrypoint: { path: 'config/wsgi.py', module: 'config.wsgi', appVariable: 'application' },
    });
  });

  it('cookiecutter-django: compose `command: /start`, the script copied to /start by the Dockerfile, followed to `exec gunicorn config.wsgi`', () => {
    expect(detect(join(CORPUS, 'django-entrypoint'))[0]).toMatchObject({
      framework: 'django',
      server: 'gunicorn',
      startSource: 'compose/production/django/start',
      startCommand: 'gunicorn config.wsgi --bind 0.0.0.0:${PORT:-5000} --chdir=/app --workers 2',
      workers: 2,
      entrypoint: { path: 'config/wsgi.py', module: 'config.wsgi', appVariable: 'application' },
    });
  });

  it.each<[string, string, string]>([
    ['uvicorn', 'uvicorn config.asgi:application --host 0.0.0.0', 'uvicorn'],
    ['gunicorn with uvicorn workers', 'gunicorn config.asgi:application -k uvicorn.workers.UvicornWorker', 'gunicorn'],
    ['daphne', 'daphne -b 0.0.0.0 -p 8000 config.asgi:application', 'daphne'],
  ])('ASGI on %s', (_name, command, server) => {
    const root = repo({
      'requirements.txt': 'django\n',
      'manage.py': 'if __name__ == "__main__":\n    pass\n',
      'config/__init__.py': '',
      'config/asgi.py': 'from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n',
      Procfile: `web: ${command}\n`,
    });
    expect(detect(root)[0]).toMatchObject({
      framework: 'django',
      server,
      entrypoint: { path: 'config/asgi.py', appVariable: 'application' },
    });
  });
});

describe('Celery', () => {
  it('a worker beside the web app, from the Procfile: reported, the web process stays the app', () => {
    const [app] = detect(join(CORPUS, 'celery-beside-web'));
    expect(app).toMatchObject({ server: 'gunicorn', entrypoint: { path: 'app.py' } });
    expect(app!.celery).toEqual([
      {
        app: 'tasks',
        command: 'worker',
        commandLine: 'celery -A tasks worker --loglevel=info --concurrency 1',
        source: 'Procfile',
        remapSigterm: null,
      },
    ]);
  });

  it('compose services and Dockerfiles that run celery, REMAP_SIGTERM read', () => {
    const root = repo({
      'requirements.txt': 'flask\ncelery\ngunicorn\n',
      'web.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      'proj/__init__.py': '',
      'proj/celery.py': 'from celery import Celery\n\napp = Celery("proj")\n',
      Dockerfile: 'FROM python:3.12\nCOPY . /app\nCMD ["gunicorn", "web:app"]\n',
      'Dockerfile.worker': 'FROM python:3.12\nCOPY . /app\nCMD ["celery", "--app=proj", "worker", "-l", "info"]\n',
      'docker-compose.yml':
        'services:\n  web:\n    build: .\n  beat:\n    build: .\n    command: REMAP_SIGTERM=SIGQUIT celery -A proj beat\n',
    });
    const [app] = detect(root);
    expect(app).toMatchObject({ server: 'gunicorn', entrypoint: { path: 'web.py' } });
    expect(app!.celery).toEqual([
      { app: 'proj', command: 'worker', commandLine: 'celery --app=proj worker -l info', source: 'Dockerfile.worker', remapSigterm: null },
      {
        app: 'proj',
        command: 'beat',
        commandLine: 'celery -A proj beat',
        source: 'docker-compose.yml',
        remapSigterm: 'SIGQUIT',
        composeService: { file: 'docker-compose.yml', service: 'beat' },
      },
    ]);
  });
});
