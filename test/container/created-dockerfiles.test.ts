/**
 * What the tool writes into a Dockerfile it creates or patches, on the corpus repos of
 * test/images/repos (their images are built and run in test/images/build-run.test.ts) and on
 * inline repos: each case is one of the defects measured in issue 14.
 */
import { messagesOf } from '../../src/core/edit-result.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import { detectContainer } from '../../src/detect/container.js';
import type { Facts, NodeApp, PythonApp } from '../../src/detect/facts.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { detectFrom } from '../../src/detect/index.js';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';
import { readCompose } from '../../src/detect/compose-file.js';
import { chainNotes, chainReport, readRepoChain } from '../../src/generators/container-chain.js';
import { devServerCommand, dockerGenerator, pythonTemplateData, pythonVersionFor } from '../../src/generators/docker.js';
import { createPlop, registerGenerator, registerPlanActions, runGenerator } from '../../src/generators/plopfile.js';
import { factsFor, nodeAppFor } from '../helpers/builders.js';

const corpus = join(import.meta.dirname, '..', 'images', 'repos');
const answers: Answers = { apps: [], parts: ['docker'], timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 };

async function dockerPlan(repo: string, appDir: string): Promise<{ plan: Plan; files: Map<string, string>; notes: string[] }> {
  const listed = listRepoFiles(join(corpus, repo));
  const facts: Facts = { ...detectFrom(listed), container: detectContainer(listed) };
  const p = new Plan((path) => listed.read(path));
  const plop = await createPlop(listed.root);
  registerPlanActions(plop, p);
  registerGenerator(plop, dockerGenerator);
  const app = facts.apps.find((a) => a.dir === appDir);
  if (!app) throw new Error(`${repo}: no app at "${appDir}" (found ${facts.apps.map((a) => a.dir).join(', ')})`);
  await runGenerator(plop, dockerGenerator, { facts, answers: { ...answers, apps: [appDir] }, app, current: (path) => p.current(path) });
  return { plan: p, files: new Map(p.changes().map((c) => [c.path, c.after])), notes: p.notes.map((n) => n.message) };
}

describe('created Dockerfiles for workspaces build from the repo root', () => {
  it("npm workspaces: root lockfile, every workspace manifest, only the app's production deps", async () => {
    const { files } = await dockerPlan('npm-workspaces', 'apps/api');
    const dockerfile = files.get('apps/api/Dockerfile')!;
    expect(dockerfile).toContain('# Build: docker build -f apps/api/Dockerfile .\n');
    expect(dockerfile).toContain(
      'COPY package.json package-lock.json ./\nCOPY apps/api/package.json apps/api/\nCOPY packages/shared/package.json packages/shared/\n',
    );
    expect(dockerfile).toContain('RUN npm ci --omit=dev --workspace apps/api\n');
    expect(dockerfile).toContain('WORKDIR /app/apps/api\n');
    expect(dockerfile).toContain('EXPOSE 5050\n');
    // The ignore file belongs to the build context: the root, not the package.
    expect(files.get('.dockerignore')).toContain('**/node_modules\n');
    expect(files.has('apps/api/.dockerignore')).toBe(false);
  });

  it('yarn workspaces: root yarn.lock, the .dockerignore at the root, EXPOSE of the port the app listens on', async () => {
    const { files } = await dockerPlan('yarn-workspaces', 'packages/api');
    const dockerfile = files.get('packages/api/Dockerfile')!;
    expect(dockerfile).toContain('COPY package.json yarn.lock ./\n');
    expect(dockerfile).toContain('RUN corepack enable && yarn install --frozen-lockfile --production\n');
    expect(dockerfile).toContain('EXPOSE 4000\n');
    expect(dockerfile).not.toContain('EXPOSE 3000');
    expect([...files.keys()].filter((p) => p.endsWith('.dockerignore'))).toEqual(['.dockerignore']);
  });

  it('pnpm with catalogs: pnpm-workspace.yaml is copied before the install', async () => {
    const { files } = await dockerPlan('pnpm-catalogs', 'apps/api');
    const dockerfile = files.get('apps/api/Dockerfile')!;
    expect(dockerfile).toContain('COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./\n');
    expect(dockerfile).toContain('pnpm install --frozen-lockfile --prod --filter "api..."');
  });
});

describe('created Dockerfiles run the production command', () => {
  it('NestJS: a build stage, then node dist/main from start:prod, never `nest start`', async () => {
    const { files, plan } = await dockerPlan('nestjs', '');
    const dockerfile = files.get('Dockerfile')!;
    expect(dockerfile).toContain('FROM deps AS build\nCOPY . .\nRUN npm run build\n');
    expect(dockerfile).toContain('CMD ["node", "dist/main"]\n');
    expect(dockerfile).not.toContain('nest');
    expect(dockerfile).toContain('USER node\n');
    expect(plan.changes().find((c) => c.path === 'Dockerfile')!.reason).toContain('CMD from the "start:prod" script');
  });

  it('a TypeScript app whose only start is a dev CLI gets no Dockerfile, and the plan says what is missing', async () => {
    const app = nodeAppFor({
      name: 'svc',
      scripts: { start: 'ts-node src/main.ts' },
      dependencies: ['express'],
      frameworks: ['express'],
      entrypoint: { path: 'src/main.ts', language: 'ts', moduleSystem: 'cjs', via: 'script', script: 'start' },
      servesTraffic: true,
    });
    const facts = factsFor('/x', [app], { packageManager: 'npm', container: { dockerfiles: [], composeFiles: [], k8sManifests: [] } });
    const read = (p: string): string | null =>
      p === 'package.json' ? JSON.stringify({ name: 'svc', scripts: app.scripts, dependencies: { express: '^4' } }) : null;
    const actions = dockerGenerator.actions({ facts, answers: { ...answers, apps: [''] }, app, current: read });
    expect(actions.filter((a) => a.type === 'plan-render')).toEqual([]);
    const note = actions.find((a) => a.type === 'plan-note');
    expect(note?.type === 'plan-note' && note.message).toMatch(
      /^no Dockerfile created: it would need a production start command.*ts-node src\/main.ts: a development CLI/,
    );
  });

  it('the Vite dev image does not keep --open', () => {
    const app = {
      devServer: { tool: 'vite', file: 'vite.config.ts', script: 'dev', command: 'vite --open' },
      scripts: { dev: 'vite --open --port 5174' },
      dir: '',
    } as unknown as NodeApp;
    expect(devServerCommand(app).words).toEqual(['node', 'node_modules/vite/bin/vite.js', '--port', '5174', '--host', '0.0.0.0']);
  });
});

describe("created Python Dockerfiles run the launcher's program, never a guess", () => {
  const base: PythonApp = {
    kind: 'python',
    dir: '',
    name: 'svc',
    framework: 'plain',
    server: 'none',
    entrypoint: { path: 'init_db.py', module: 'init_db', appVariable: null, inPackage: false },
    startCommand: null,
    workers: null,
    gunicornConfig: null,
  };

  it('no start command known: no Dockerfile (not `python -m init_db`), the plan says what it needs', () => {
    const result = pythonTemplateData(base, answers, () => null);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.need).toMatch(/the command that starts the app/);
  });

  it("the launcher's command word for word; requires-python picks the base image tag", () => {
    const app = { ...base, startCommand: 'python worker.py --queue default' };
    const read = (p: string): string | null => (p === 'pyproject.toml' ? '[project]\nname = "svc"\nrequires-python = ">=3.13"\n' : null);
    const result = pythonTemplateData(app, answers, read);
    expect(result.ok && result.data).toMatchObject({ cmd: '["python", "worker.py", "--queue", "default"]', pythonVersion: '3.13' });
    expect(pythonVersionFor('>=3.9,<3.12')).toBe('3.11');
    expect(pythonVersionFor('~=3.10')).toBe('3.12');
    expect(pythonVersionFor(null)).toBe('3.12');
  });

  it('uvicorn listens on the port the launcher gives it, and EXPOSE says so', () => {
    const app: PythonApp = {
      ...base,
      framework: 'fastapi',
      server: 'uvicorn',
      entrypoint: { path: 'app/main.py', module: 'app.main', appVariable: 'app', inPackage: true },
      startCommand: 'uvicorn app.main:app --host 0.0.0.0 --port 5000',
    };
    const result = pythonTemplateData(app, answers, () => null);
    expect(result.ok && result.data).toMatchObject({
      port: 5000,
      cmd: '["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "5000", "--timeout-graceful-shutdown", "8"]',
    });
  });

  it('gunicorn with a config file: EXPOSE the port of its bind', () => {
    const app: PythonApp = {
      ...base,
      framework: 'flask',
      server: 'gunicorn',
      entrypoint: { path: 'shop/app.py', module: 'shop.app', appVariable: 'app', inPackage: true },
      gunicornConfig: 'gunicorn.conf.py',
      startCommand: 'gunicorn --config gunicorn.conf.py shop.app:app',
    };
    const result = pythonTemplateData(app, answers, (p) => (p === 'gunicorn.conf.py' ? 'bind = "0.0.0.0:8123"\n' : null));
    expect(result.ok && result.data).toMatchObject({ port: 8123, cmd: '["gunicorn", "--config", "gunicorn.conf.py", "shop.app:app"]' });
  });
});

describe('patched Dockerfiles with a dev CLI as their command', () => {
  it('`CMD npm start` with start = nest start: the plan says to run start:prod instead', () => {
    const app = nodeAppFor({
      name: 'svc',
      scripts: { start: 'nest start', 'start:prod': 'node dist/main' },
      dependencies: ['@nestjs/core'],
      frameworks: ['nestjs'],
      entrypoint: { path: 'src/main.ts', language: 'ts', moduleSystem: 'cjs', via: 'script', script: 'start' },
      servesTraffic: true,
    });
    const facts = factsFor('/x', [app], {
      packageManager: 'npm',
      container: { dockerfiles: ['Dockerfile'], composeFiles: [], k8sManifests: [] },
    });
    const read = (p: string): string | null =>
      p === 'Dockerfile' ? 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["npm", "start"]\n' : null;
    const notes = dockerGenerator
      .actions({ facts, answers: { ...answers, apps: [''] }, app, current: read })
      .filter((a) => a.type === 'plan-note')
      .map((a) => (a.type === 'plan-note' ? a.message : ''));
    expect(
      notes.some(
        (n) =>
          n.startsWith('CMD runs nest, a development CLI') && n.endsWith('run what the "start:prod" script runs (node dist/main) instead'),
      ),
    ).toBe(true);
  });
});

describe('patched Dockerfiles keep what was deliberate', () => {
  it('a deliberate STOPSIGNAL SIGINT is kept for node', () => {
    const result = patchDockerfile('FROM node:20-slim\nSTOPSIGNAL SIGINT\nCMD ["node", "server.js"]\n', { runtime: 'node' });
    expect(result.text).toContain('STOPSIGNAL SIGINT\n');
    expect(result.data.stopSignal).toBe('SIGINT');
    expect(messagesOf(result, 'warn').join('\n')).not.toMatch(/STOPSIGNAL was/);
  });

  it('the entrypoint-script check reads the script: no warning for one that ends `exec gunicorn ...`', () => {
    const dockerfile = 'FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n';
    const ends = (last: string): string[] =>
      patchDockerfile(dockerfile, {
        runtime: 'python-gunicorn',
        readScript: () => `#!/bin/sh\nset -e\npython manage.py migrate\n${last}\n`,
      }).notes.map((n) => n.message);
    expect(ends('exec gunicorn app.wsgi:application --bind 0.0.0.0:8000').join('\n')).not.toMatch(/ENTRYPOINT runs a script/);
    expect(ends('gunicorn app.wsgi:application').join('\n')).toMatch(/whose last command is not `exec \.\.\.`/);
  });
});

describe('templated compose grace is not reported as a default', () => {
  it('`${STOP_GRACE:-5s}` is named as templated in the chain, with no "(default)"', () => {
    const compose = 'services:\n  api:\n    build: .\n    stop_grace_period: ${STOP_GRACE:-5s}\n';
    const container = { dockerfiles: [], composeFiles: ['compose.yaml'], k8sManifests: [] };
    const read = (p: string): string | null => (p === 'compose.yaml' ? compose : null);
    expect(readCompose(compose)[0]!.stopGraceTemplate).toBe('${STOP_GRACE:-5s}');
    const unknown: string[] = [];
    const links = readRepoChain(read, container, undefined, unknown);
    expect(links.filter((l) => l.kind === 'compose-grace')).toEqual([]);
    const app = { kind: 'node', dir: '', servesTraffic: true } as NodeApp;
    const notes = chainNotes(chainReport(read, container, app, answers, undefined, []), container, unknown).map((n) => n.message);
    expect(notes.join('\n')).toContain('compose service "api" stop_grace_period is templated (${STOP_GRACE:-5s})');
    expect(notes.join('\n')).not.toContain('(default)');
  });
});
