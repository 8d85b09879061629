/**
 * The docker, compose and k8s generators through the real plop wiring and the in-memory Plan, on
 * whole fixture repos: what they plan, the notes they print, and that a second run plans nothing.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import { renderTemplate } from '../../src/core/render.js';
import { detectContainer } from '../../src/detect/container.js';
import type { Facts, PythonApp } from '../../src/detect/facts.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { detectFrom } from '../../src/detect/index.js';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';
import { composeGenerator } from '../../src/generators/compose.js';
import { dockerGenerator, PYTHON_DOCKERFILE_TEMPLATE, pythonTemplateData } from '../../src/generators/docker.js';
import { k8sGenerator } from '../../src/generators/k8s.js';
import { createPlop, registerGenerator, registerPlanActions, runGenerator } from '../../src/generators/plopfile.js';

const here = dirname(fileURLToPath(import.meta.url));
const repos = join(here, '..', 'fixtures', 'repos');
const GENERATORS = [dockerGenerator, composeGenerator, k8sGenerator];

const answers: Answers = {
  apps: [''],
  parts: ['docker', 'compose', 'k8s'],
  timeoutMs: 8000,
  shutdownDelayMs: 0,
  exitMode: 'zero',
  preStopSeconds: 5,
};

function factsOf(dir: string): { facts: Facts; read: (p: string) => string | null } {
  const files = listRepoFiles(dir);
  return { facts: { ...detectFrom(files), container: detectContainer(files) }, read: (p) => files.read(p) };
}

/** Run the three container generators for the first app, as the CLI would. */
async function runAll(dir: string, read: (p: string) => string | null, facts: Facts): Promise<Plan> {
  const plan = new Plan(read);
  const plop = await createPlop(dir);
  registerPlanActions(plop, plan);
  for (const gen of GENERATORS) registerGenerator(plop, gen);
  const app = facts.apps[0]!;
  for (const gen of GENERATORS) {
    const ctx = { facts, answers, app, current: (p: string) => plan.current(p) };
    if (gen.appliesTo(ctx)) await runGenerator(plop, gen, ctx);
  }
  return plan;
}

describe('container generators on a Node stack (Dockerfile + compose + k8s)', () => {
  const dir = join(repos, 'container-node-stack');

  it('plans the Dockerfile, compose and Deployment changes, with the chain as notes', async () => {
    const { facts, read } = factsOf(dir);
    const plan = await runAll(dir, read, facts);
    const changes = plan.changes();
    // compose needs nothing: the image starts tini now, and the 10 s default covers the 8 s budget + margin.
    expect(changes.map((c) => c.path).sort()).toEqual(['Dockerfile', 'deploy/api.yaml']);
    for (const c of changes) await expect(c.after).toMatchFileSnapshot(`../../snapshots/repos/container-node-stack/${c.path}`);
    await expect(plan.notes.map((n) => `${n.level}${n.file ? ` ${n.file}` : ''}: ${n.message}\n`).join('')).toMatchFileSnapshot(
      '../../snapshots/repos/container-node-stack/plan-notes.txt',
    );

    const dockerfile = changes.find((c) => c.path === 'Dockerfile')!.after;
    expect(dockerfile).toContain('CMD ["node", "server.js"]');
    // The Deployment's container runs the image compose service "api" builds from the root: the app's.
    const deployment = changes.find((c) => c.path === 'deploy/api.yaml')!.after;
    expect(deployment).toContain('command: ["sleep", "5"]');
    expect(deployment).not.toContain('terminationGracePeriodSeconds');
    expect(plan.notes.map((n) => n.message)).toContain('left as it is: compose service "cache" (image redis:7-alpine, not built here)');
    expect(plan.notes.filter((n) => n.message.startsWith('Timeout chain')).length).toBe(2);

    // Second run over the result: nothing left to change.
    const after = new Map(changes.map((c) => [c.path, c.after]));
    const again = await runAll(dir, (p) => after.get(p) ?? read(p), facts);
    expect(again.changes()).toEqual([]);
  });

  it('asks compose for init: true when the docker part is left out', async () => {
    const { facts, read } = factsOf(dir);
    const plan = new Plan(read);
    const ctx = {
      facts,
      answers: { ...answers, parts: ['compose' as const] },
      app: facts.apps[0]!,
      current: (p: string) => plan.current(p),
    };
    const actions = composeGenerator.actions(ctx);
    const edit = actions.find((a) => a.type === 'plan-edit');
    expect(edit?.type === 'plan-edit' && edit.edit(read('docker-compose.yml')!)).toContain('    init: true\n');
    expect(actions.some((a) => a.type === 'plan-note' && a.message.startsWith('Timeout chain found'))).toBe(true);
  });
});

describe('Dockerfile created when there is none', () => {
  it('Node + TypeScript with a build script: multi-stage, tini, the built entrypoint', async () => {
    const dir = join(repos, 'container-node-ts-nodocker');
    const { facts, read } = factsOf(dir);
    const plan = await runAll(dir, read, facts);
    const created = plan.changes();
    expect(created.map((c) => c.path).sort()).toEqual(['.dockerignore', 'Dockerfile']);
    const dockerfile = created.find((c) => c.path === 'Dockerfile')!.after;
    await expect(dockerfile).toMatchFileSnapshot('../../snapshots/repos/container-node-ts-nodocker/Dockerfile');
    await expect(created.find((c) => c.path === '.dockerignore')!.after).toMatchFileSnapshot(
      '../../snapshots/repos/container-node-ts-nodocker/.dockerignore',
    );
    expect(dockerfile).toContain('FROM deps AS build');
    expect(dockerfile).toContain('CMD ["node", "dist/server.js"]');
    // What we create is already what the patch wants.
    expect(patchDockerfile(dockerfile, { scripts: { start: 'node dist/server.js' } }).text).toBe(false);
  });

  const pythonApp = (server: PythonApp['server'], gunicornConfig: string | null = null): PythonApp => ({
    kind: 'python',
    dir: '',
    name: 'svc',
    framework: server === 'gunicorn' ? 'flask' : 'fastapi',
    server,
    entrypoint: { path: 'app/main.py', module: 'app.main', appVariable: 'app', inPackage: true },
    startCommand: null,
    workers: null,
    gunicornConfig,
  });

  it.each([
    ['uvicorn', pythonApp('uvicorn')],
    ['gunicorn', pythonApp('gunicorn')],
    ['gunicorn-config', pythonApp('gunicorn', 'gunicorn.conf.py')],
  ] as const)('Python %s', async (name, app) => {
    const read = (p: string): string | null => (p === 'requirements.txt' ? 'fastapi\n' : null);
    const data = pythonTemplateData(app, answers, read);
    if (!data.ok) throw new Error(data.need);
    const text = renderTemplate(PYTHON_DOCKERFILE_TEMPLATE, data.data);
    await expect(text).toMatchFileSnapshot(`../../snapshots/docker-templates/python-${name}/Dockerfile`);
    const patched = patchDockerfile(text, { runtime: app.server === 'gunicorn' ? 'python-gunicorn' : 'python-uvicorn' });
    expect(patched.text).toBe(false);
    expect(patched.data).toMatchObject({ init: 'tini', stopSignal: 'SIGTERM', family: 'debian' });
  });
});
