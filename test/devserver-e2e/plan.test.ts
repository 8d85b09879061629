/**
 * What the built CLI plans for dev-server repos (`--dry-run`, nothing written): a dev-server Dockerfile
 * that runs the dev server itself in exec form behind tini (never `node index.js` with a "no start
 * command found" warning, never npm), the custom server's file wired with no hand edit, and the
 * timeout chain said once, without a Kubernetes link when the repo has no manifests.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../devserver/helpers.js';
import { containerCommand } from './pid1.js';

const FIXTURES = join(REPO, 'test/fixtures/repos');
const CLI = join(REPO, 'bin/create-graceful-shutdown.js');
const dirs: string[] = [];

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Apply the CLI (--yes) to a copy of the fixture; its output and the copy's dir. */
function applyTo(fixture: string, extra: Record<string, string> = {}, args: string[] = []): { out: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), `devserver-e2e-plan-${fixture}-`));
  dirs.push(dir);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(dir, path), text);
  const out = execFileSync('node', [CLI, dir, '--yes', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { out, dir };
}

const chainLines = (out: string): string[] => out.split('\n').filter((l) => l.includes('Timeout chain set'));

describe('dev-server repos through the CLI', () => {
  it('Vite app: a dev-server Dockerfile running vite with node, through tini; one chain line, no Kubernetes', async () => {
    const { out, dir } = applyTo('devserver-vite');
    expect(out).not.toContain('no start command found');
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    await expect(dockerfile).toMatchFileSnapshot('../../snapshots/devserver-e2e/devserver-vite/Dockerfile');
    expect(containerCommand(dockerfile).argv).toEqual([
      '/usr/bin/tini',
      '--',
      'node',
      'node_modules/vite/bin/vite.js',
      '--host',
      '0.0.0.0',
    ]);
    // The dev server is a dev dependency: the image installs them, and is not a production image.
    expect(dockerfile).toContain('RUN npm install\n');
    expect(dockerfile).not.toContain('--omit=dev');
    expect(dockerfile).not.toContain('NODE_ENV=production');
    expect(chainLines(out)).toEqual([
      'note: Timeout chain set: app budget 8 s < stop grace at least 10 s; longer grace periods in force are kept',
    ]);
    expect(out).not.toContain('Kubernetes');
  });

  it('custom express + Vite + ws server: its file wired (servers, Vite HMR, signals), node server.dev.js as CMD', async () => {
    const { out, dir } = applyTo('devserver-express-vite-ws');
    expect(out).not.toContain('no start command found');
    const server = readFileSync(join(dir, 'server.dev.js'), 'utf8');
    await expect(server).toMatchFileSnapshot('../../snapshots/devserver-e2e/devserver-express-vite-ws/server.dev.js');
    for (const call of [
      'setupSignalHandlers();',
      'registerHttpServer(server);',
      'registerWebSocketServer(vite.ws);',
      "registerShutdownHandler('vite', () => vite.close());",
      'registerWebSocketServer(live);',
    ]) {
      expect(server).toContain(call);
    }
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    await expect(dockerfile).toMatchFileSnapshot('../../snapshots/devserver-e2e/devserver-express-vite-ws/Dockerfile');
    expect(containerCommand(dockerfile).argv).toEqual(['/usr/bin/tini', '--', 'node', 'server.dev.js']);
    // It listens on 127.0.0.1: unreachable through a published port; the plan says so.
    expect(out).toMatch(/warning: server\.dev\.js: listens on localhost only/);

    // A second run plans nothing more for the wired file.
    const again = execFileSync('node', [CLI, dir, '--dry-run', '--yes'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(again).not.toMatch(/update\s+server\.dev\.js/);
  });

  it('pnpm workspace: the Vite app gets a dev-server Dockerfile; the chain is said once, without Kubernetes', () => {
    const { out, dir } = applyTo('pnpm-workspace');
    expect(out).not.toContain('no start command found');
    expect(containerCommand(readFileSync(join(dir, 'apps/web/Dockerfile'), 'utf8')).argv).toEqual([
      '/usr/bin/tini',
      '--',
      'node',
      'node_modules/vite/bin/vite.js',
      '--host',
      '0.0.0.0',
    ]);
    // The server app keeps its production Dockerfile.
    expect(readFileSync(join(dir, 'apps/server/Dockerfile'), 'utf8')).toContain('--prod');
    expect(chainLines(out)).toHaveLength(1);
    expect(out).not.toContain('Kubernetes');
  });

  it('with Kubernetes manifests, the chain names the Kubernetes grace', () => {
    const manifest = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  template:',
      '    spec:',
      // The image is named after the app's package: the Deployment runs this app.
      '      containers:',
      '        - name: web',
      '          image: devserver-vite-fixture',
      '',
    ].join('\n');
    const { out } = applyTo('devserver-vite', { 'deployment.yaml': manifest });
    expect(chainLines(out).length).toBeGreaterThanOrEqual(1);
    for (const line of chainLines(out)) expect(line).toContain('Kubernetes grace');
  });

  it("existing Dockerfile with `CMD npm run dev`: patched to the dev script's command, run by node", () => {
    const { dir } = applyTo('devserver-vite', {
      Dockerfile: 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["npm", "run", "dev", "--", "--host"]\n',
    });
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(containerCommand(dockerfile).argv).toEqual(['/sbin/tini', '--', 'node', 'node_modules/vite/bin/vite.js', '--host']);
    expect(dockerfile).toContain('STOPSIGNAL SIGTERM');
  });
});
