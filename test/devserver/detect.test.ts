/** detectDevServer over fixture packages in test/fixtures/devserver/detect/<case>/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDevServer } from '../../src/detect/devserver.js';
import type { DevServerFacts } from '../../src/detect/facts.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { REPO } from './helpers.js';

const ROOT = join(REPO, 'test/fixtures/devserver/detect');

const CASES: [name: string, pkgDir: string, expected: DevServerFacts | null][] = [
  ['vite-ts', '', { tool: 'vite', file: 'vite.config.ts', script: 'dev', command: 'vite' }],
  ['vite-build-only', '', null],
  ['vite-config-only', '', { tool: 'vite', file: 'vite.config.mjs', script: null, command: null }],
  [
    'webpack-serve',
    '',
    { tool: 'webpack-dev-server', file: 'webpack.config.js', script: 'start', command: 'webpack serve --mode development --open' },
  ],
  [
    'webpack-dev-server-bin',
    '',
    { tool: 'webpack-dev-server', file: null, script: 'dev', command: 'cross-env NODE_ENV=development webpack-dev-server --hot' },
  ],
  ['custom-express-vite', '', { tool: 'custom', file: 'server.dev.js', script: 'dev', command: 'node server.dev.js' }],
  [
    'custom-tsx-wdm',
    '',
    { tool: 'custom', file: 'src/dev-server.ts', script: 'dev', command: 'tsx watch --clear-screen=false src/dev-server.ts' },
  ],
  ['plain-server', '', null],
  ['nested', 'web', { tool: 'vite', file: 'web/vite.config.js', script: 'dev', command: 'vite --port 3000' }],
];

describe('detectDevServer', () => {
  it('finds the custom dev server of the shared fixture repo devserver-express-vite-ws', () => {
    const root = join(REPO, 'test/fixtures/repos/devserver-express-vite-ws');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(detectDevServer(listRepoFiles(root), '', scripts)).toEqual({
      tool: 'custom',
      file: 'server.dev.js',
      script: 'dev',
      command: 'node server.dev.js',
    });
  });

  it('finds Vite in the shared fixture repo devserver-vite', () => {
    const root = join(REPO, 'test/fixtures/repos/devserver-vite');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(detectDevServer(listRepoFiles(root), '', scripts)).toEqual({
      tool: 'vite',
      file: 'vite.config.ts',
      script: 'dev',
      command: 'vite',
    });
  });

  it.each(CASES)('%s', (name, pkgDir, expected) => {
    const files = listRepoFiles(join(ROOT, name));
    const manifest = pkgDir === '' ? 'package.json' : `${pkgDir}/package.json`;
    const scripts = (JSON.parse(readFileSync(join(ROOT, name, manifest), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    expect(detectDevServer(files, pkgDir, scripts)).toEqual(expected);
  });
});
