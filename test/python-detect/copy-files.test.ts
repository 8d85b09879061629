/**
 * Generated files reach the image: copyGeneratedFiles() reads COPY/ADD the way the builder does and
 * extends what copies the entry module, in the Dockerfile's own style. On 4a075a1 there is no such
 * edit: the image of an explicit COPY list has no signal_handlers.py and fails at import.
 */
import { describe, expect, it } from 'vitest';
import {
  buildContextOf,
  copyGeneratedFiles,
  dockerignoreMatcher,
  imagePaths,
  type GeneratedFile,
} from '../../src/edits/dockerfile/copy-files.js';

const MODULE: GeneratedFile = { path: 'signal_handlers.py', at: 'entry' };
const CONF: GeneratedFile = { path: 'gunicorn.conf.py', at: 'workdir' };

describe('copyGeneratedFiles', () => {
  it('extends an explicit COPY list in its own style (the microblog shape)', () => {
    const source = 'FROM python:slim\nCOPY app app\nCOPY migrations migrations\nCOPY microblog.py config.py boot.sh ./\nRUN flask routes\n';
    const result = copyGeneratedFiles(source, { entry: 'microblog.py', files: [MODULE, CONF] });
    expect(result.text).toBe(
      'FROM python:slim\nCOPY app app\nCOPY migrations migrations\nCOPY microblog.py config.py boot.sh signal_handlers.py gunicorn.conf.py ./\nRUN flask routes\n',
    );
    expect(result.data.added).toEqual(['signal_handlers.py', 'gunicorn.conf.py']);
    // Idempotent: a second run finds them copied.
    expect(copyGeneratedFiles(result.text as string, { entry: 'microblog.py', files: [MODULE, CONF] }).text).toBe(false);
  });

  it('adds to the list that copies the entry, not to another list of the same directory', () => {
    const source = 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY backend/requirements.txt ./\nCOPY backend/worker.py backend/config.py ./\n';
    expect(
      copyGeneratedFiles(source, { entry: 'backend/worker.py', files: [{ path: 'backend/signal_handlers.py', at: 'entry' }] }).text,
    ).toBe(
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY backend/requirements.txt ./\nCOPY backend/worker.py backend/config.py backend/signal_handlers.py ./\n',
    );
  });

  it('keeps ./ prefixes and exec-form lists', () => {
    const source = 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY ["./worker.py", "./config.py", "./"]\nCMD ["python", "worker.py"]\n';
    expect(copyGeneratedFiles(source, { entry: 'worker.py', files: [MODULE] }).text).toBe(
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY ["./worker.py", "./config.py", "./signal_handlers.py", "./"]\nCMD ["python", "worker.py"]\n',
    );
  });

  it('adds one line, same --chown, after a single-file COPY to a file path', () => {
    const source =
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY --chown=app:app worker.py /srv/worker.py\nUSER app\nCMD ["python", "worker.py"]\n';
    expect(copyGeneratedFiles(source, { entry: 'worker.py', files: [MODULE] }).text).toBe(
      'FROM python:3.12-slim\nWORKDIR /srv\nCOPY --chown=app:app worker.py /srv/worker.py\nCOPY --chown=app:app signal_handlers.py ./\nUSER app\nCMD ["python", "worker.py"]\n',
    );
  });

  it('reads a destination that is a WORKDIR as a directory (tgbot_template: COPY requirements.txt /usr/src/app/bot)', () => {
    const source = 'FROM python:3.11-slim\nWORKDIR /usr/src/app/bot\nCOPY requirements.txt /usr/src/app/bot\nCOPY . /usr/src/app/bot\n';
    expect(imagePaths(source, ['requirements.txt', 'bot.py'])).toEqual(
      new Map([
        ['/usr/src/app/bot/requirements.txt', 'requirements.txt'],
        ['/usr/src/app/bot/bot.py', 'bot.py'],
      ]),
    );
  });

  it('leaves files that a directory copy or `COPY . .` already brings', () => {
    const dir = 'FROM python:3.12\nWORKDIR /code\nCOPY ./requirements.txt /code/\nCOPY ./app /code/app\nCMD ["uvicorn", "app.main:app"]\n';
    expect(copyGeneratedFiles(dir, { entry: 'app/main.py', files: [{ path: 'app/signal_handlers.py', at: 'entry' }] }).text).toBe(false);
    const all = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n';
    expect(copyGeneratedFiles(all, { entry: 'main.py', files: [MODULE, CONF] }).text).toBe(false);
  });

  it('expands ARG and ENV in WORKDIR and destinations (cookiecutter-django: COPY . ${APP_HOME})', () => {
    const source =
      'FROM python:3.12-slim AS python\nFROM python AS run\nARG APP_HOME=/app\nWORKDIR ${APP_HOME}\nCOPY --chown=django:django . ${APP_HOME}\n';
    expect(imagePaths(source, ['config/wsgi.py', 'gunicorn.conf.py'])).toEqual(
      new Map([
        ['/app/config/wsgi.py', 'config/wsgi.py'],
        ['/app/gunicorn.conf.py', 'gunicorn.conf.py'],
      ]),
    );
    expect(
      copyGeneratedFiles(source, { entry: 'config/wsgi.py', files: [{ path: 'config/signal_handlers.py', at: 'entry' }, CONF] }).text,
    ).toBe(false);
  });

  it('puts gunicorn.conf.py in the WORKDIR gunicorn starts in when only the package is copied', () => {
    const source = 'FROM python:3.12\nWORKDIR /code\nCOPY ./app /code/app\nCMD ["gunicorn", "app.main:app"]\n';
    expect(copyGeneratedFiles(source, { entry: 'app/main.py', files: [{ path: 'app/signal_handlers.py', at: 'entry' }, CONF] }).text).toBe(
      'FROM python:3.12\nWORKDIR /code\nCOPY ./app /code/app\nCOPY ./gunicorn.conf.py ./\nCMD ["gunicorn", "app.main:app"]\n',
    );
  });

  it('follows COPY --from a build stage', () => {
    const source =
      'FROM python:3.12 AS build\nWORKDIR /src\nCOPY main.py ./\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=build /src /app\n';
    expect(imagePaths(source, ['main.py', 'README.md'])).toEqual(new Map([['/app/main.py', 'main.py']]));
    const result = copyGeneratedFiles(source, { entry: 'main.py', files: [MODULE] });
    expect(result.text).toBe(false);
    expect(result.data.manual).toEqual([
      {
        file: 'signal_handlers.py',
        line: 'COPY signal_handlers.py ./',
        reason: 'the image gets main.py from another stage: copy signal_handlers.py there too',
      },
    ]);
  });

  it('says which .dockerignore line to add when the context leaves the file out', () => {
    const ignored = dockerignoreMatcher('*\n!app.py\n!requirements.txt\n');
    const result = copyGeneratedFiles('FROM python:3.12\nCOPY . .\n', { entry: 'app.py', files: [MODULE], ignored });
    expect(result.text).toBe(false);
    expect(result.data.manual.map((m) => m.line)).toEqual(['!signal_handlers.py']);
  });

  it('reports an image that does not copy the app at all (mounted at run time)', () => {
    const result = copyGeneratedFiles('FROM python:3.12\nCOPY requirements.txt .\n', { entry: 'bot.py', files: [MODULE] });
    expect(result).toEqual({ text: false, notes: [], data: { added: [], manual: [], entryNotCopied: true } });
  });
});

describe('buildContextOf', () => {
  it('takes the compose build context of a Dockerfile kept elsewhere (cookiecutter-django)', () => {
    const compose = {
      path: 'docker-compose.production.yml',
      text: 'services:\n  django: &django\n    build:\n      context: .\n      dockerfile: ./compose/production/django/Dockerfile\n    command: /start\n',
    };
    expect(buildContextOf('compose/production/django/Dockerfile', [compose])).toBe('');
    expect(buildContextOf('backend/Dockerfile', [compose])).toBe('backend');
  });
});
