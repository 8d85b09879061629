/**
 * What the module generator reads from a repo: the Node floor it targets (src/detect/node-version.ts) and
 * the tsconfig settings that pick a flavour (src/detect/tsconfig.ts), extends chains included.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRepoFiles } from '../../src/detect/files.js';
import { detectNodeTarget, lowestMajor } from '../../src/detect/node-version.js';
import { detectTsconfig } from '../../src/detect/tsconfig.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

function repo(files: Record<string, string>): string {
  const dir = tempDir('gs-detect-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('lowestMajor', () => {
  it.each([
    ['>=14', 14],
    ['^14.17.0 || >=16', 14],
    ['18.x', 18],
    ['>= 20.0.0', 20],
    ['v22', 22],
    ['<16', 16],
    ['*', null],
    ['', null],
  ] as const)('%j → %s', (range, major) => expect(lowestMajor(range)).toBe(major));
});

describe('detectNodeTarget', () => {
  it('takes the lowest of engines, .nvmrc and the last FROM of a Dockerfile, saying where', () => {
    const dir = repo({
      'package.json': '{}',
      '.nvmrc': 'v16.20.0\n',
      Dockerfile: 'FROM node:20 AS build\nRUN npm ci\nFROM node:14-alpine\nCMD ["node", "server.js"]\n',
    });
    expect(detectNodeTarget(listRepoFiles(dir), '', '>=18')).toEqual({ major: 14, source: 'FROM node:14', file: 'Dockerfile' });
  });

  it('reads lts names in .nvmrc and distroless images', () => {
    expect(detectNodeTarget(listRepoFiles(repo({ '.nvmrc': 'lts/gallium\n' })), '', undefined)).toMatchObject({
      major: 16,
      file: '.nvmrc',
    });
    expect(
      detectNodeTarget(listRepoFiles(repo({ Dockerfile: 'FROM gcr.io/distroless/nodejs22-debian12\n' })), '', undefined),
    ).toMatchObject({ major: 22 });
  });

  it('a workspace package sees its own files and the root, not its siblings', () => {
    const dir = repo({ 'apps/api/Dockerfile': 'FROM node:22\n', 'apps/web/Dockerfile': 'FROM node:12\n', '.node-version': '20.11.0\n' });
    expect(detectNodeTarget(listRepoFiles(dir), 'apps/api', undefined)).toMatchObject({ major: 20, file: '.node-version' });
  });

  it('null when nothing says', () => {
    expect(detectNodeTarget(listRepoFiles(repo({ 'package.json': '{}', '.nvmrc': 'node\n' })), '', '*')).toBeNull();
  });
});

describe('detectTsconfig: the settings that pick a flavour', () => {
  it('follows relative extends and knows @tsconfig/node-ts', () => {
    const dir = repo({
      'tsconfig.base.json': '{ "compilerOptions": { "verbatimModuleSyntax": true } }',
      'tsconfig.json':
        '{ "extends": ["./tsconfig.base.json", "@tsconfig/node-ts/tsconfig.json", "@acme/tsconfig"], // comment\n "compilerOptions": {} }',
    });
    expect(detectTsconfig(listRepoFiles(dir), '')).toMatchObject({
      verbatimModuleSyntax: true,
      erasableSyntaxOnly: true,
      allowImportingTsExtensions: true,
      unreadExtends: ['@acme/tsconfig'],
    });
  });

  it('a later config overrides an earlier one', () => {
    const dir = repo({
      'tsconfig.base.json': '{ "compilerOptions": { "verbatimModuleSyntax": true, "erasableSyntaxOnly": true } }',
      'tsconfig.json': '{ "extends": "./tsconfig.base", "compilerOptions": { "verbatimModuleSyntax": false } }',
    });
    expect(detectTsconfig(listRepoFiles(dir), '')).toMatchObject({ verbatimModuleSyntax: false, erasableSyntaxOnly: true });
  });
});
