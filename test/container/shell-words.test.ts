import { describe, expect, it } from 'vitest';
import { execLastCommand, splitSimpleCommand, toExecForm } from '../../src/detect/simple-command.js';
import { resolveScript, scriptInvocation } from '../../src/detect/npm-script.js';
import { runtimeOfCommand } from '../../src/detect/container-runtime.js';
import { classifyImage } from '../../src/detect/base-image.js';

describe('splitSimpleCommand', () => {
  it.each([
    ['node server.js', ['node', 'server.js']],
    ['  node   --port "3000"  ', ['node', '--port', '3000']],
    [`nginx -g 'daemon off;'`, ['nginx', '-g', 'daemon off;']],
    ['nginx -g "daemon off;"', ['nginx', '-g', 'daemon off;']],
    ['echo a\\ b', ['echo', 'a b']],
    ['node a#b', ['node', 'a#b']],
  ])('%s', (text, words) => {
    expect(splitSimpleCommand(text)).toEqual(words);
  });

  it.each([
    'node $APP',
    'a && b',
    'a | b',
    'a; b',
    'a > log',
    'node "$X"',
    'node `x`',
    'a &',
    'node *.js',
    'x # comment',
    "node 'open",
    '',
  ])('not simple: %s', (text) => {
    expect(splitSimpleCommand(text)).toBeNull();
  });
});

describe('execLastCommand', () => {
  it.each([
    ['uvicorn m:app --port $PORT', 'exec uvicorn m:app --port $PORT'],
    ['cd /app && node server.js', 'cd /app && exec node server.js'],
    ['exec node s.js', 'exec node s.js'],
  ])('%s', (text, expected) => {
    expect(execLastCommand(text)).toBe(expected);
  });

  it.each(['a | b', 'a; b', 'a || b', 'a &', 'node s.js > log', 'X=1'])('keeps the shell as it is: %s', (text) => {
    expect(execLastCommand(text)).toBeNull();
  });

  it('writes exec form with JSON strings', () => {
    expect(toExecForm(['sh', '-c', 'say "hi"'])).toBe('["sh", "-c", "say \\"hi\\""]');
  });
});

describe('npm scripts', () => {
  const scripts = {
    start: 'npm run serve',
    serve: 'yarn web',
    web: 'next start -p 3000',
    dev: 'FOO=1 node s.js',
    a: 'npm run b',
    b: 'npm run a',
  };

  it('recognises the ways to run a script', () => {
    expect(scriptInvocation(['npm', 'start'], scripts)).toEqual({ manager: 'npm', script: 'start', extraArgs: [] });
    expect(scriptInvocation(['npm', 'run', 'web', '--', '--port', '4000'], scripts)).toEqual({
      manager: 'npm',
      script: 'web',
      extraArgs: ['--port', '4000'],
    });
    expect(scriptInvocation(['pnpm', 'serve'], scripts)?.script).toBe('serve');
    expect(scriptInvocation(['yarn', 'install'], scripts)).toBeNull();
    expect(scriptInvocation(['node', 'start'], scripts)).toBeNull();
  });

  it('follows links to one command, with node_modules/.bin for local programs', () => {
    expect(resolveScript(scripts, 'start')).toEqual({
      ok: true,
      words: ['node_modules/.bin/next', 'start', '-p', '3000'],
      chain: ['start', 'serve', 'web'],
    });
  });

  it('refuses inline env, loops and missing scripts', () => {
    expect(resolveScript(scripts, 'dev')).toMatchObject({ ok: false });
    expect(resolveScript(scripts, 'a')).toMatchObject({ ok: false, reason: expect.stringMatching(/loop/) });
    expect(resolveScript(scripts, 'nope')).toMatchObject({ ok: false, reason: expect.stringMatching(/no "nope" script/) });
  });
});

describe('what runs', () => {
  it.each([
    [['node', 's.js'], 'node'],
    [['/usr/bin/tini', '--', 'python', '-m', 'uvicorn', 'm:app'], 'python-uvicorn'],
    [['/bin/bash', '-o', 'pipefail', '-c', 'exec gunicorn app:app'], 'python-gunicorn'],
    [['dumb-init', '--', 'php-fpm8.3', '-F'], 'php-fpm'],
    [['env', 'A=1', 'nginx', '-g', 'daemon off;'], 'nginx'],
    [['./run.sh'], null],
  ] as const)('%j → %s', (words, runtime) => {
    expect(runtimeOfCommand(words)).toBe(runtime);
  });
});

describe('base image families', () => {
  it.each([
    ['node:20-alpine', 'alpine'],
    ['alpine:3.20', 'alpine'],
    ['python:3.12-slim-bookworm', 'debian'],
    ['node:20', 'debian'],
    ['docker.io/library/nginx:1.27', 'debian'],
    ['ubuntu:24.04', 'ubuntu'],
    ['eclipse-temurin:21-jammy', 'ubuntu'],
    ['registry.access.redhat.com/ubi9/ubi-minimal:9.4', 'ubi'],
    ['registry.access.redhat.com/ubi9/nodejs-20', 'ubi'],
    ['gcr.io/distroless/nodejs22-debian12', 'distroless'],
    ['cgr.dev/chainguard/node:latest', 'distroless'],
    ['cgr.dev/chainguard/node:latest-dev', 'distroless'],
    ['scratch', 'scratch'],
    ['localhost:5000/team/app:1', 'unknown'],
    ['mcr.microsoft.com/windows/nanoserver:ltsc2022', 'windows'],
  ])('%s → %s', (image, family) => {
    expect(classifyImage(image).family).toBe(family);
  });
});
