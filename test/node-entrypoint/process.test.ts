/**
 * Which process runs, reconciled from every place that says so, and which file of it is wired.
 * In-memory repos: detection is a pure function of the files.
 */
import { describe, expect, it } from 'vitest';
import { detectNodeApps } from '../../src/detect/node-apps.js';
import type { NodeApp } from '../../src/detect/facts.js';
import type { RepoFiles } from '../../src/detect/repo-files.js';

function repo(files: Record<string, string>): RepoFiles {
  const list = Object.keys(files).sort();
  return { root: '/repo', list, unreadable: [], has: (p) => p in files, read: (p) => files[p] ?? null };
}

function app(files: Record<string, string>, dir = ''): NodeApp {
  const found = detectNodeApps(repo(files)).find((a) => a.dir === dir);
  if (!found) throw new Error('no app');
  return found;
}

const SERVER = "const http = require('http');\nhttp.createServer((q, s) => s.end('ok')).listen(3000);\n";
const APP_ONLY = "const express = require('express');\nmodule.exports = express();\n";
const pkg = (o: object): string => JSON.stringify({ name: 'x', ...o });

describe('the process that runs', () => {
  it('Dockerfile final stage beats package.json start and main, and the loser is recorded', () => {
    const a = app({
      'package.json': pkg({ main: 'app.js', scripts: { start: 'node app.js' } }),
      'app.js': APP_ONLY,
      'bin/www': `#!/usr/bin/env node\nvar app = require('../app');\n${SERVER}`,
      Dockerfile: 'FROM node:22 AS build\nCMD ["node", "app.js"]\nFROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "./bin/www"]\n',
    });
    expect(a.entrypoint?.path).toBe('bin/www');
    expect(a.entrypoint?.via).toBe('dockerfile');
    expect(a.process).toMatchObject({ source: 'dockerfile', file: 'Dockerfile', command: 'node ./bin/www', starts: 'bin/www' });
    expect(a.process?.overruled.map((o) => o.starts)).toContain('app.js');
  });

  it('compose `command` overrides the image CMD of the service built from the app', () => {
    const a = app({
      'package.json': pkg({ scripts: { start: 'node server.js' } }),
      'server.js': SERVER,
      'worker.js': SERVER,
      Dockerfile: 'FROM node:22\nCMD ["node", "server.js"]\n',
      'compose.yaml': 'services:\n  api:\n    build: .\n    command: ["node", "worker.js"]\n',
    });
    expect(a.process).toMatchObject({ source: 'compose', starts: 'worker.js' });
  });

  it('through tini, sh -c, `npm start` and an absolute path under WORKDIR', () => {
    const files = {
      'package.json': pkg({ scripts: { start: 'npm run serve', serve: 'node dist/server.js' } }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src' } }),
      'src/server.ts': SERVER,
    };
    expect(app({ ...files, Dockerfile: 'FROM node:22\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["npm", "start"]\n' }).process).toMatchObject(
      { source: 'dockerfile', starts: 'src/server.ts' },
    );
    expect(app({ ...files, Dockerfile: 'FROM node:22\nCMD exec node dist/server.js\n' }).process).toMatchObject({
      source: 'dockerfile',
      starts: 'src/server.ts',
    });
    expect(
      app({ ...files, Dockerfile: 'FROM node:22\nWORKDIR /srv/app\nCMD ["node", "/srv/app/dist/server.js"]\n' }).process,
    ).toMatchObject({ source: 'dockerfile', starts: 'src/server.ts' });
  });

  it('Procfile web: and a pm2 ecosystem file, before package.json', () => {
    const base = { 'package.json': pkg({ main: 'index.js', scripts: { start: 'node index.js' } }), 'index.js': SERVER, 'web.js': SERVER };
    expect(app({ ...base, Procfile: 'release: node migrate.js\nweb: node web.js\n' }).process).toMatchObject({
      source: 'procfile',
      starts: 'web.js',
    });
    expect(
      app({ ...base, 'ecosystem.config.js': "module.exports = { apps: [{ name: 'api', script: './web.js', kill_timeout: 10000 }] };\n" })
        .process,
    ).toMatchObject({ source: 'pm2', starts: 'web.js' });
  });

  it('a claim whose file does not exist in the repo (a build artefact of another tool) falls through to the next', () => {
    const a = app({
      'package.json': pkg({ scripts: { start: 'node server.js' } }),
      'server.js': SERVER,
      Dockerfile: 'FROM node:22\nCMD ["node", "standalone/server.js"]\n',
    });
    expect(a.process).toMatchObject({ source: 'script', starts: 'server.js' });
  });

  it('an entry that creates no server: the local file it loads that does is wired; the chain and other loaded files are recorded', () => {
    const a = app({
      'package.json': pkg({ main: 'index.js', scripts: { start: 'node index.js' } }),
      'index.js': "require('./lib/config');\nconst { start } = require('./src/server');\nstart();\n",
      'lib/config.js': 'module.exports = {};\n',
      'src/server.js': `module.exports.start = () => {\n${SERVER}};\n`,
    });
    expect(a.entrypoint?.path).toBe('src/server.js');
    expect(a.entrypoint?.chain).toEqual(['index.js', 'src/server.js']);
    expect(a.entrypoint?.loads).toEqual(['lib/config.js']);
  });

  it('`next start` is a runner: the app is treatable, with no file to wire', () => {
    const a = app({ 'package.json': pkg({ scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '16' } }) });
    expect(a.entrypoint).toBeNull();
    expect(a.process).toMatchObject({ source: 'script', runner: 'next-start', starts: null });
    expect(a.frameworks).toContain('next');
  });

  it('`nest start` runs sourceRoot/entryFile of nest-cli.json', () => {
    const a = app({
      'package.json': pkg({ scripts: { start: 'nest start' } }),
      'nest-cli.json': JSON.stringify({ sourceRoot: 'apps/api/src', entryFile: 'bootstrap' }),
      'apps/api/src/bootstrap.ts': "import { NestFactory } from '@nestjs/core';\nNestFactory.create(class {});\n",
    });
    expect(a.entrypoint?.path).toBe('apps/api/src/bootstrap.ts');
    expect(a.process?.runner).toBe('nest-start');
  });
});

describe('the process that runs, in a workspace package', () => {
  it('a root compose file whose service builds the package dir names the package process', () => {
    const a = app(
      {
        'package.json': pkg({ private: true, workspaces: ['apps/*'] }),
        'apps/api/package.json': pkg({ scripts: { start: 'node src/index.js' } }),
        'apps/api/src/index.js': SERVER,
        'apps/api/src/worker.js': SERVER,
        'docker-compose.yml': 'services:\n  api:\n    build:\n      context: ./apps/api\n    command: node src/worker.js\n',
      },
      'apps/api',
    );
    expect(a.process).toMatchObject({ source: 'compose', file: 'docker-compose.yml', starts: 'apps/api/src/worker.js' });
  });
});
