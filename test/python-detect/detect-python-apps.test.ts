/**
 * detectPythonApps over whole fixture repos (test/fixtures/python-detect/<case>/): each case
 * asserts the complete facts object, so a change in any field shows up here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PythonApp } from '../../src/detect/facts.js';
import { detectPythonApps } from '../../src/detect/python.js';
import { listRepoFiles } from '../../src/detect/files.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/python-detect');

/** Facts with the fields most cases share; each case states what differs. */
function app(fields: Partial<PythonApp> & Pick<PythonApp, 'name' | 'framework' | 'server' | 'entrypoint'>): PythonApp {
  return {
    kind: 'python',
    dir: '',
    startCommand: null,
    workers: null,
    gunicornConfig: null,
    dependencies: [],
    versionPins: {},
    startSource: null,
    entryImport: 'absolute',
    entryFunction: null,
    appFactory: false,
    workerClass: null,
    foundBy: 'launcher',
    ...fields,
  };
}

const cases: [string, PythonApp[]][] = [
  [
    'fastapi-uvicorn-dockerfile',
    [
      app({
        name: 'fastapi-uvicorn-dockerfile',
        versionPins: { fastapi: '==0.110.0', uvicorn: '>=0.29' },
        framework: 'fastapi',
        server: 'uvicorn',
        entrypoint: { path: 'main.py', module: 'main', appVariable: 'app', inPackage: false },
        startCommand: 'uvicorn main:app --host 0.0.0.0 --port 8000',
        startSource: 'Dockerfile',
        dependencies: ['fastapi', 'sqlalchemy-utils', 'uvicorn'],
      }),
    ],
  ],
  [
    'flask-gunicorn-procfile',
    [
      app({
        name: 'flask-gunicorn-procfile',
        versionPins: { flask: '>=3' },
        framework: 'flask',
        server: 'gunicorn',
        entrypoint: { path: 'app.py', module: 'app', appVariable: 'app', inPackage: false },
        // The web process, not the release one listed first.
        startCommand: 'gunicorn app:app --workers 3 -c gunicorn.conf.py --bind 0.0.0.0:$PORT',
        startSource: 'Procfile',
        workers: 3,
        gunicornConfig: 'gunicorn.conf.py',
        dependencies: ['flask', 'gunicorn'],
      }),
    ],
  ],
  [
    'django-manage',
    [
      app({
        foundBy: 'convention',
        name: 'django-manage',
        versionPins: { django: '~=5.0' },
        framework: 'django',
        server: 'none',
        entrypoint: { path: 'manage.py', module: 'manage', appVariable: null, inPackage: false },
        dependencies: ['django', 'psycopg'],
      }),
    ],
  ],
  [
    'django-gunicorn',
    [
      app({
        name: 'django-gunicorn',
        versionPins: { django: '~=5.0' },
        framework: 'django',
        server: 'gunicorn',
        entrypoint: { path: 'mysite/wsgi.py', module: 'mysite.wsgi', appVariable: 'application', inPackage: true },
        // Shell-form CMD with a line continuation and --workers=N.
        startCommand: 'gunicorn mysite.wsgi:application --bind 0.0.0.0:8000 --workers=2',
        startSource: 'Dockerfile',
        workers: 2,
        dependencies: ['django', 'psycopg'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'package-app-main',
    [
      app({
        name: 'inventory-api',
        versionPins: { fastapi: '>=0.110' },
        framework: 'fastapi',
        server: 'uvicorn',
        entrypoint: { path: 'app/main.py', module: 'app.main', appVariable: 'app', inPackage: true },
        // Dockerfile CMD ["./start.sh"] followed into the script.
        startCommand: 'uvicorn app.main:app --host 0.0.0.0 --port ${PORT:-8000}',
        startSource: 'start.sh',
        dependencies: ['fastapi', 'uvicorn'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'fastapi-run',
    [
      app({
        name: 'fastapi-run',
        framework: 'fastapi',
        server: 'fastapi-cli',
        entrypoint: { path: 'app/main.py', module: 'app.main', appVariable: 'api', inPackage: true },
        startCommand: 'fastapi run app/main.py --port 80',
        startSource: 'Dockerfile',
        dependencies: ['fastapi'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'uvicorn-workers-makefile',
    [
      app({
        name: 'uvicorn-workers-makefile',
        framework: 'starlette',
        server: 'uvicorn',
        entrypoint: { path: 'server.py', module: 'server', appVariable: 'api', inPackage: false },
        startCommand: 'uvicorn server:api --host 0.0.0.0 --workers 4',
        startSource: 'Makefile',
        workers: 4,
        dependencies: ['starlette', 'uvicorn'],
      }),
    ],
  ],
  [
    'asyncio-worker',
    [
      app({
        foundBy: 'convention',
        name: 'asyncio-worker',
        versionPins: { redis: '>=5' },
        framework: 'asyncio',
        server: 'none',
        // tests/test_worker.py also has a __main__ block: not an entrypoint.
        entrypoint: { path: 'worker.py', module: 'worker', appVariable: null, inPackage: false },
        dependencies: ['redis'],
      }),
    ],
  ],
  [
    'monorepo-backend-frontend',
    // The root requirements-dev.txt holds tooling only (no Python code): not an app. frontend/ is Node.
    [
      app({
        dir: 'backend',
        name: 'shop-backend',
        versionPins: { python: '^3.11', fastapi: '^0.110', uvicorn: '{extras=["standard"],version="^0.29"}' },
        framework: 'fastapi',
        server: 'uvicorn',
        entrypoint: { path: 'backend/app/main.py', module: 'app.main', appVariable: 'app', inPackage: true },
        startCommand: 'uvicorn app.main:app --host 0.0.0.0 --port 8000',
        startSource: 'backend/Dockerfile',
        dependencies: ['fastapi', 'uvicorn'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'project-scripts',
    [
      app({
        name: 'mytool',
        framework: 'plain',
        server: 'none',
        entrypoint: { path: 'src/mytool/cli.py', module: 'mytool.cli', appVariable: null, inPackage: true },
        startCommand: 'mytool (mytool.cli:main)',
        startSource: 'pyproject.toml',
        dependencies: ['httpx'],
        entryImport: 'relative',
        entryFunction: 'main',
      }),
    ],
  ],
  [
    'python-m-package',
    [
      app({
        name: 'queue-consumer',
        framework: 'plain',
        server: 'none',
        entrypoint: { path: 'consumer/__main__.py', module: 'consumer.__main__', appVariable: null, inPackage: true },
        startCommand: 'python -u -m consumer',
        startSource: 'Dockerfile',
        dependencies: ['pika', 'requests'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'uvicorn-run-script',
    // run.py's __main__ block calls uvicorn.run("service.api:app"): the app module is the entry.
    [
      app({
        foundBy: 'convention',
        name: 'uvicorn-run-script',
        framework: 'fastapi',
        server: 'uvicorn',
        entrypoint: { path: 'service/api.py', module: 'service.api', appVariable: 'app', inPackage: true },
        workers: 2,
        dependencies: ['fastapi', 'uvicorn'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'gunicorn-uvicorn-worker-factory',
    [
      app({
        name: 'gunicorn-uvicorn-worker-factory',
        framework: 'fastapi',
        server: 'gunicorn',
        entrypoint: { path: 'web.py', module: 'web', appVariable: 'create_app', inPackage: false },
        startCommand: 'gunicorn -k uvicorn.workers.UvicornWorker -c docker/gunicorn.py web:create_app()',
        startSource: 'Dockerfile',
        gunicornConfig: 'docker/gunicorn.py',
        appFactory: true,
        workerClass: 'uvicorn.workers.UvicornWorker',
        dependencies: ['fastapi', 'gunicorn', 'uvicorn'],
      }),
    ],
  ],
  [
    'compose-gunicorn-config',
    // compose `command:` of the service built from api/; the app is named by the config's wsgi_app.
    [
      app({
        dir: 'api',
        name: 'api',
        framework: 'flask',
        server: 'gunicorn',
        entrypoint: { path: 'api/service/app.py', module: 'service.app', appVariable: 'create_app', inPackage: true },
        startCommand: 'gunicorn -c gunicorn.conf.py',
        startSource: 'docker-compose.yml',
        gunicornConfig: 'api/gunicorn.conf.py',
        appFactory: true,
        dependencies: ['flask', 'gunicorn'],
        entryImport: 'relative',
      }),
    ],
  ],
  [
    'flask-dev-server',
    // `python app.py` running Flask's development server: no gunicorn.
    [
      app({
        name: 'flask-dev-server',
        framework: 'flask',
        server: 'none',
        entrypoint: { path: 'app.py', module: 'app', appVariable: 'app', inPackage: false },
        startCommand: 'python app.py',
        startSource: 'Procfile',
        dependencies: ['flask'],
      }),
    ],
  ],
];

describe('detectPythonApps', () => {
  it.each(cases)('%s', (name, expected) => {
    expect(detectPythonApps(listRepoFiles(join(FIXTURES, name)))).toEqual(expected);
  });

  it('finds nothing in a repo without Python manifests', () => {
    expect(detectPythonApps(listRepoFiles(join(FIXTURES, 'monorepo-backend-frontend', 'frontend')))).toEqual([]);
  });
});
