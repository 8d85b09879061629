/** How verify reads the production command and its stop settings from a repository (no process is started). */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planLaunch } from '../../src/verify/launch.js';
import { mapShellScript, mapToHost, which } from '../../src/verify/host-programs.js';
import { DEFAULTS, type VerifyOptions } from '../../src/verify/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgs-verify-launch-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

function options(dir: string, more: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    dir,
    command: null,
    port: null,
    path: '/',
    connections: 1,
    concurrency: 1,
    ws: [],
    wsClients: 1,
    graceMs: null,
    stopSignal: null,
    expectExit: null,
    warmupMs: 0,
    startupTimeoutMs: 1000,
    noPid1: false,
    baseline: null,
    build: false,
    logLines: 5,
    ...more,
  };
}

const env = { PATH: process.env['PATH'] ?? '', HOME: '/root' };

describe('verify: the launch plan', () => {
  it('Dockerfile: exec-form CMD under WORKDIR, STOPSIGNAL, ENV; PORT is the free port', () => {
    const dir = repo({
      'package.json': JSON.stringify({ name: 'a', main: 'server.js', dependencies: { express: '^5' } }),
      'server.js': "require('express')().listen(process.env.PORT);\n",
      Dockerfile:
        'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production PORT=3000\nSTOPSIGNAL SIGINT\nCMD ["node", "/app/server.js"]\n',
    });
    const plan = planLaunch(options(dir), 41234, env);
    expect(plan.argv).toEqual(['node', join(dir, 'server.js')]);
    expect(plan.source).toBe('Dockerfile CMD');
    expect(plan.stopSignal).toBe('SIGINT');
    expect(plan.stopSignalSource).toBe('Dockerfile STOPSIGNAL');
    expect(plan.env['NODE_ENV']).toBe('production');
    expect(plan.env['PORT']).toBe('41234');
    expect(plan.graceMs).toBe(DEFAULTS.graceMs);
    expect(plan.expectedExit).toBe(0);
  });

  it('gunicorn with a fixed bind: the port is replaced, the launcher is the system one', () => {
    const dir = repo({
      'requirements.txt': 'flask\ngunicorn\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      Dockerfile: 'FROM python:3.12-slim\nCOPY . .\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n',
    });
    // A gunicorn on PATH (Debian's in CI; here a file of that name first on PATH, so the answer does not
    // depend on what this machine has installed): it runs as it is.
    const bin = mkdtempSync(join(tmpdir(), 'cgs-verify-bin-'));
    dirs.push(bin);
    writeFileSync(join(bin, 'gunicorn'), '#!/bin/sh\n', { mode: 0o755 });
    const plan = planLaunch(options(dir), 40001, { ...env, PATH: `${bin}:${env.PATH}` });
    expect(plan.argv).toEqual(['gunicorn', '-b', '0.0.0.0:40001', 'app:app']);
    expect(plan.adjustments).toContain('-b 0.0.0.0:8000 replaced by 0.0.0.0:40001');
  });

  it('Python: the interpreter on PATH when it has what the command needs, else one that has it', () => {
    const probe = (python: string, module: string): boolean => python === '/usr/bin/python3' || module === 'json';
    const pathEnv = process.env['PATH'] ?? '';
    const onPath = which('python3', pathEnv);
    expect(mapToHost(['python3', '-m', 'json.tool'], pathEnv, null, (p, m) => probe(p, m.split('.')[0]!)).argv).toEqual([
      'python3',
      '-m',
      'json.tool',
    ]);
    if (onPath !== '/usr/bin/python3') {
      const mapped = mapToHost(['python3', 'app.py'], pathEnv, 'flask', probe);
      expect(mapped.argv).toEqual(['/usr/bin/python3', 'app.py']);
      expect(mapped.notes).toEqual(['python3 runs as /usr/bin/python3 (it has flask)']);
    }
    // A launcher that is not installed as a script runs as a module of an interpreter that has it.
    const uvicorn = mapToHost(['uvicorn', 'main:app'], '/nonexistent', null, probe);
    expect(uvicorn.argv).toEqual(['/usr/bin/python3', '-m', 'uvicorn', 'main:app']);
    expect(mapShellScript('exec uvicorn main:app --port 1', '/nonexistent', null, probe).script).toBe(
      'exec /usr/bin/python3 -m uvicorn main:app --port 1',
    );
  });

  it('compose stop_grace_period is the kill time, its stop_signal the signal; exit mode "signal" expects 128 + n', () => {
    const dir = repo({
      'package.json': JSON.stringify({ name: 'a', scripts: { start: 'node server.js' }, dependencies: { express: '^5' } }),
      'server.js': "require('express')().listen(process.env.PORT);\n",
      'compose.yaml': 'services:\n  api:\n    build: .\n    stop_grace_period: 1m30s\n    stop_signal: SIGQUIT\n',
      '.graceful-shutdown.json': JSON.stringify({ answers: { exitMode: 'signal' } }),
    });
    const plan = planLaunch(options(dir), 40002, env);
    expect(plan.argv).toEqual(['node', 'server.js']);
    expect(plan.source).toBe('package.json "start"');
    expect(plan.graceMs).toBe(90_000);
    expect(plan.graceSource).toBe('compose.yaml service "api" stop_grace_period');
    expect(plan.stopSignal).toBe('SIGQUIT');
    expect(plan.stopSignalSource).toBe('compose.yaml service "api" stop_signal');
    // Re-raising SIGQUIT: 128 + 3.
    expect(plan.expectedExit).toBe(131);
    expect(plan.env['PATH']!.startsWith(join(dir, 'node_modules', '.bin'))).toBe(true);
  });

  it('--command: a shell line with an environment prefix; --grace, --stop-signal and --expect-exit win', () => {
    const dir = repo({ 'x.js': '' });
    const plan = planLaunch(
      options(dir, { command: 'LOG_LEVEL=debug node x.js', graceMs: 3000, stopSignal: 'SIGQUIT', expectExit: 0 }),
      40003,
      env,
    );
    expect(plan.argv).toEqual(['node', 'x.js']);
    expect(plan.env['LOG_LEVEL']).toBe('debug');
    expect(plan.graceMs).toBe(3000);
    expect(plan.stopSignal).toBe('SIGQUIT');
    const shell = planLaunch(options(dir, { command: 'cd . && node x.js' }), 40003, env);
    expect(shell.argv).toEqual(['/bin/sh', '-c', 'cd . && node x.js']);
  });

  it('start:prod is what production runs when there is one (NestJS keeps start for development)', () => {
    const dir = repo({
      'package.json': JSON.stringify({
        name: 'n',
        scripts: { start: 'nest start', 'start:prod': 'node dist/main' },
        dependencies: { '@nestjs/core': '^11' },
      }),
      'main.js': '',
    });
    expect(() => planLaunch(options(dir), 40004, env)).toThrow(
      /dist\/main \(run by package.json "start:prod"\) does not exist: build the app first/,
    );
  });
});
