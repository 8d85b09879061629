import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { detect } from '../../src/detect/index.js';
import type { NodeApp } from '../../src/detect/facts.js';
import { QUESTIONS } from '../../src/questions.js';

const repo = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'repos', name);

function nodeApp(name: string, dir = ''): NodeApp {
  const app = detect(repo(name)).apps.find((a) => a.dir === dir);
  if (app?.kind !== 'node') throw new Error(`no node app at '${dir}' in ${name}`);
  return app;
}

interface Case {
  repo: string;
  dir?: string;
  entry: string | null;
  language?: 'ts' | 'js';
  moduleSystem?: 'esm' | 'cjs';
  via?: string;
  frameworks?: string[];
  servesTraffic?: boolean;
}

const cases: Case[] = [
  {
    repo: 'express-ts-esm',
    entry: 'src/server.ts',
    language: 'ts',
    moduleSystem: 'esm',
    via: 'script',
    frameworks: ['express'],
    servesTraffic: true,
  },
  { repo: 'koa-ts-cjs', entry: 'src/index.ts', language: 'ts', moduleSystem: 'cjs', via: 'script', frameworks: ['koa'] },
  { repo: 'koa-ws-esm', entry: 'server.js', language: 'js', moduleSystem: 'esm', frameworks: ['koa', 'ws'] },
  { repo: 'fastify-cjs', entry: 'index.js', language: 'js', moduleSystem: 'cjs', frameworks: ['fastify'] },
  { repo: 'node-http-cjs', entry: 'server.js', language: 'js', moduleSystem: 'cjs', frameworks: [], servesTraffic: true },
  { repo: 'tsx-start', entry: 'src/main.ts', language: 'ts', moduleSystem: 'esm', via: 'script' },
  { repo: 'workspace-npm', dir: 'packages/api', entry: 'packages/api/src/index.js', moduleSystem: 'esm', via: 'script' },
  { repo: 'workspace-npm', dir: 'packages/shared', entry: 'packages/shared/index.js', via: 'main', servesTraffic: false },
  { repo: 'chained-start', entry: 'src/server.ts', language: 'ts', moduleSystem: 'esm', via: 'script' },
  { repo: 'mts-entry', entry: 'src/server.mts', language: 'ts', moduleSystem: 'esm' },
  { repo: 'cjs-in-esm', entry: 'server.cjs', language: 'js', moduleSystem: 'cjs', via: 'main' },
  {
    repo: 'pnpm-workspace',
    dir: 'apps/server',
    entry: 'apps/server/src/main.ts',
    language: 'ts',
    moduleSystem: 'cjs',
    frameworks: ['fastify'],
  },
  { repo: 'pnpm-workspace', dir: 'apps/web', entry: null },
  { repo: 'gitignored', entry: 'src/app.js', frameworks: ['express'] },
  { repo: 'nest-app', entry: 'src/main.ts', language: 'ts', moduleSystem: 'cjs', via: 'script', frameworks: ['nestjs'] },
  { repo: 'pm2-start', entry: 'index.js', via: 'script' },
];

describe('Node detection over fixture repos', () => {
  it.each(cases)('$repo $dir', (c) => {
    const app = nodeApp(c.repo, c.dir);
    expect(app.entrypoint?.path ?? null).toBe(c.entry);
    if (c.language) expect(app.entrypoint?.language).toBe(c.language);
    if (c.moduleSystem) expect(app.entrypoint?.moduleSystem).toBe(c.moduleSystem);
    if (c.via) expect(app.entrypoint?.via).toBe(c.via);
    if (c.frameworks) expect(app.frameworks).toEqual(c.frameworks);
    if (c.servesTraffic !== undefined) expect(app.servesTraffic).toBe(c.servesTraffic);
  });

  it('reads tsconfig as JSONC and follows relative extends', () => {
    expect(nodeApp('express-ts-esm').tsconfig).toMatchObject({ module: 'NodeNext', outDir: 'dist', rootDir: 'src' });
    expect(nodeApp('chained-start').tsconfig).toMatchObject({ module: 'NodeNext', outDir: 'dist', rootDir: 'src' });
  });

  it('follows chained start scripts to the file that runs', () => {
    const start = nodeApp('chained-start').start;
    expect(start?.chain).toEqual(['start', 'serve']);
    expect(start?.resolved).toBe('node dist/server.js');
  });

  it('maps a built file back to its TypeScript source through outDir and rootDir', () => {
    expect(nodeApp('koa-ts-cjs').entrypoint?.path).toBe('src/index.ts');
  });

  it('sees process managers in the scripts', () => {
    expect(nodeApp('pm2-start').processManagers).toEqual(['pm2', 'nodemon']);
  });

  it('honours .gitignore and never reads node_modules', () => {
    const facts = detect(repo('gitignored'));
    expect(facts.apps.map((a) => a.dir)).toEqual(['']);
  });

  it('finds workspaces, package manager, and defaults to the packages that serve', () => {
    const npm = detect(repo('workspace-npm'));
    expect(npm.workspaces).toEqual(['packages/api', 'packages/shared']);
    expect(npm.packageManager).toBe('npm');
    const appsQ = QUESTIONS.find((q) => q.key === 'apps');
    expect(appsQ?.default(npm)).toEqual(['packages/api']);
    const pnpm = detect(repo('pnpm-workspace'));
    expect(pnpm.workspaces).toEqual(['apps/server', 'apps/web']);
    expect(pnpm.packageManager).toBe('pnpm');
  });

  it('finds no app in a directory without package.json', () => {
    expect(detect(repo('no-package-json')).apps).toEqual([]);
  });
});
