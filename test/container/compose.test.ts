import { messagesOf } from '../../src/core/edit-result.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { patchCompose, type ComposeServicePatch } from '../../src/edits/compose.js';
import { readCompose } from '../../src/detect/compose-file.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'compose');
const cases = readdirSync(fixtures).sort();

function load(name: string): { file: string; source: string; services: Record<string, ComposeServicePatch> } {
  const dir = join(fixtures, name);
  const file = readdirSync(dir).find((f) => f !== 'options.json')!;
  const options = JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as { services: Record<string, ComposeServicePatch> };
  return { file, source: readFileSync(join(dir, file), 'utf8'), services: options.services };
}

const comments = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => /#.*$/.exec(l)?.[0])
    .filter((c): c is string => !!c);

describe('patchCompose fixtures', () => {
  it.each(cases)('%s', async (name) => {
    const { file, source, services } = load(name);
    const result = patchCompose(source, services);
    const output = result.text === false ? source : result.text;
    await expect(output).toMatchFileSnapshot(`../../snapshots/compose/${name}/${file}`);
    await expect(
      messagesOf(result, 'warn')
        .map((w) => `- ${w}\n`)
        .join(''),
    ).toMatchFileSnapshot(`../../snapshots/compose/${name}/warnings.txt`);
    expect(comments(output)).toEqual(comments(source));
    expect(patchCompose(output, services).text).toBe(false);
    // Services we were not asked about are exactly as they were.
    const before = parse(source) as { services: Record<string, unknown> };
    const after = parse(output) as { services: Record<string, unknown> };
    for (const svc of Object.keys(before.services)) {
      if (!(svc in services)) expect(after.services[svc]).toEqual(before.services[svc]);
    }
  });
});

describe('patchCompose behaviour', () => {
  it('adds init under the service, keeping its comments; the 10 s default grace is enough for a 10 s need', () => {
    const { source, services } = load('basic');
    const out = patchCompose(source, services).text as string;
    const api = (parse(out) as { services: { api: Record<string, unknown> } }).services.api;
    expect(api).toMatchObject({ init: true });
    expect(api).not.toHaveProperty('stop_grace_period');
    expect(api).not.toHaveProperty('stop_signal');
    const longer = patchCompose(source, { api: { ...services['api']!, stopGraceSeconds: 12 } });
    expect(longer.data.changes).toEqual(['api: init: true, stop_grace_period 10s (default) -> 12s']);
    expect((parse(longer.text as string) as { services: { api: Record<string, unknown> } }).services.api).toMatchObject({
      stop_grace_period: '12s',
    });
    expect(out).toContain('  api:   # the Node API\n');
    expect(out).toContain('    - "3000:3000"   # host:container\n');
  });

  it('raises a short grace period and replaces a wrong stop signal, with a warning', () => {
    const { source, services } = load('short-grace');
    const result = patchCompose(source, services);
    expect(result.text).toContain('stop_grace_period: 10s      # too short for the drain');
    expect(result.text).toContain('stop_signal: SIGTERM        # from an old nodemon setup');
    expect(messagesOf(result, 'warn').join('\n')).toMatch(/SIGINT/);
    expect(result.text).not.toContain('init:');
  });

  it('keeps a grace period that is already long enough', () => {
    const { source, services } = load('long-enough');
    const out = patchCompose(source, services).text;
    expect(out).toBe(false);
    expect(source).toContain('stop_grace_period: 1m\n');
    expect(readCompose(source)[0]).toMatchObject({ name: 'worker', stopGraceSeconds: 60, init: true, stopSignal: null });
  });

  it('warns about a second init when the image already runs tini', () => {
    const { source, services } = load('image-has-tini');
    expect(messagesOf(patchCompose(source, services), 'warn').join('\n')).toMatch(/two inits/);
  });

  it('reads build contexts, images and budgets', () => {
    const services = readCompose(
      'services:\n  a:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.prod\n' +
        '    environment:\n      - GRACEFUL_SHUTDOWN_TIMEOUT_MS=15000\n  b:\n    image: redis:7\n',
    );
    expect(services).toEqual([
      expect.objectContaining({ name: 'a', buildContext: './api', dockerfile: 'Dockerfile.prod', budgetMs: 15000 }),
      expect.objectContaining({ name: 'b', buildContext: null, image: 'redis:7' }),
    ]);
  });
});

describe('compose: a command string is split by the one command splitter', () => {
  it('reads quoted words as the shell does, keeps the text, and falls back to words for a shell script', () => {
    const [quoted, script] = readCompose(
      'services:\n  a:\n    build: .\n    command: gunicorn --graceful-timeout "30" \'app:create()\'\n' +
        '  b:\n    build: .\n    command: ./migrate && exec gunicorn app:app\n',
    );
    expect(quoted).toMatchObject({ command: ['gunicorn', '--graceful-timeout', '30', 'app:create()'] });
    expect(quoted!.commandText).toBe('gunicorn --graceful-timeout "30" \'app:create()\'');
    expect(script).toMatchObject({ command: ['./migrate', '&&', 'exec', 'gunicorn', 'app:app'] });
  });
});

describe('compose: templated values, several documents, alias-only services (issues 14, 15)', () => {
  const patch = { init: true, stopSignal: 'SIGTERM', alsoGraceful: ['SIGTERM', 'SIGINT'], stopGraceSeconds: 15 };

  it('leaves ${STOP_GRACE:-5s} as written, reports what it must be, and never calls it a default', () => {
    const source = 'services:\n  api:\n    build: .\n    stop_grace_period: ${STOP_GRACE:-5s}\n';
    const result = patchCompose(source, { api: patch });
    expect(result.text).toBe('services:\n  api:\n    build: .\n    stop_grace_period: ${STOP_GRACE:-5s}\n    init: true\n');
    expect(messagesOf(result, 'info').join('\n')).toContain(
      'stop_grace_period is templated (${STOP_GRACE:-5s}), left as written: it must be at least 15s',
    );
    expect(readCompose(source)[0]).toMatchObject({ stopGraceSeconds: null, stopGraceTemplate: '${STOP_GRACE:-5s}' });
  });

  it('patches a service in the second document of a two-document file', () => {
    const source = 'services:\n  db:\n    image: postgres:16\n---\nservices:\n  api:\n    build: .\n';
    expect(readCompose(source).map((s) => [s.name, s.document])).toEqual([
      ['db', 0],
      ['api', 1],
    ]);
    const result = patchCompose(source, { api: patch });
    expect(result.text).toBe(
      'services:\n  db:\n    image: postgres:16\n---\nservices:\n  api:\n    build: .\n    init: true\n    stop_grace_period: 15s\n',
    );
  });

  it('covers an alias-only service through the service it aliases, and reports it', () => {
    const source = 'services:\n  api: &app\n    build: .\n  api2: *app\n';
    const result = patchCompose(source, { api: patch, api2: patch });
    expect(result.text).toBe('services:\n  api: &app\n    build: .\n    init: true\n    stop_grace_period: 15s\n  api2: *app\n');
    expect(messagesOf(result, 'info').join('\n')).toContain(
      'service "api2" is an alias of *app (service "api"): it gets the same stop settings',
    );
  });

  it('reports an alias-only service whose anchor is not patched', () => {
    const source = 'x-app: &app\n  build: .\nservices:\n  api2: *app\n';
    const result = patchCompose(source, { api2: patch });
    expect(result.text).toBe(false);
    expect(messagesOf(result, 'warn').join('\n')).toMatch(/service "api2" is only an alias \(\*app\): left as it is/);
  });

  it('keeps a deliberate stop_signal SIGINT for an app that stops gracefully on it', () => {
    const source = 'services:\n  api:\n    build: .\n    init: true\n    stop_signal: SIGINT\n';
    expect(patchCompose(source, { api: patch }).text).toBe(
      'services:\n  api:\n    build: .\n    init: true\n    stop_signal: SIGINT\n    stop_grace_period: 15s\n',
    );
  });
});

describe('the compose generator on a two-document file with an alias-only service (issue 15, item 10)', () => {
  it("patches the app's services in both documents and reports the alias; nothing is skipped silently", async () => {
    const { composeGenerator } = await import('../../src/generators/compose.js');
    const compose =
      'services:\n  api: &app\n    build: .\n    stop_grace_period: 3s\n  api2: *app\n---\nservices:\n  worker:\n    build: .\n    stop_grace_period: 2s\n  cache:\n    image: redis:7\n';
    const app = { kind: 'node', dir: '', name: 'svc', servesTraffic: true, scripts: {}, devServer: null, entrypoint: null } as never;
    const facts = {
      root: '/x',
      isGitRepo: false,
      packageManager: 'npm',
      workspaces: [],
      apps: [app],
      container: { dockerfiles: [], composeFiles: ['compose.yaml'], k8sManifests: [] },
      warnings: [],
    } as never;
    const answers = { apps: [''], parts: ['compose'], timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 } as never;
    const actions = composeGenerator.actions({ facts, answers, app, current: (p: string) => (p === 'compose.yaml' ? compose : null) });
    const edit = actions.find((a) => a.type === 'plan-edit');
    if (edit?.type !== 'plan-edit') throw new Error('no edit planned');
    const out = edit.edit(compose) as string;
    expect(out).toContain('  api: &app\n    build: .\n    stop_grace_period: 10s\n    init: true\n  api2: *app\n');
    expect(out).toContain('  worker:\n    build: .\n    stop_grace_period: 10s\n    init: true\n  cache:\n    image: redis:7\n');
    expect(edit.reason).toBe('api: init: true, stop_grace_period 3s -> 10s; worker: init: true, stop_grace_period 2s -> 10s');
    const notes = actions.filter((a) => a.type === 'plan-note').map((a) => (a.type === 'plan-note' ? a.message : ''));
    expect(notes).toContain('service "api2" is an alias of *app (service "api"): it gets the same stop settings');
    expect(notes).toContain('left as it is: compose service "cache" (image redis:7, not built here)');
  });
});
