import { describe, expect, it } from 'vitest';
import { tsconfigFor } from '../helpers/builders.js';
import { importSpecifier } from '../../src/edits/node-entrypoint/import-specifier.js';

const tsconfig = tsconfigFor;

describe('importSpecifier', () => {
  it.each([
    [
      'NodeNext ESM TS',
      'src/server.ts',
      'src/shutdown.ts',
      'esm',
      tsconfig({ module: 'NodeNext', moduleResolution: 'NodeNext' }),
      `import { a } from './a.js';`,
      './shutdown.js',
    ],
    [
      'NodeNext ESM TS, no relative imports',
      'src/server.ts',
      'src/shutdown.ts',
      'esm',
      tsconfig({ moduleResolution: 'nodenext' }),
      `import x from 'express';`,
      './shutdown.js',
    ],
    [
      'bundler, extensionless imports',
      'src/index.ts',
      'src/shutdown.ts',
      'esm',
      tsconfig({ moduleResolution: 'Bundler' }),
      `import { a } from './a';`,
      './shutdown',
    ],
    [
      'bundler, file uses .js',
      'src/index.ts',
      'src/shutdown.ts',
      'esm',
      tsconfig({ moduleResolution: 'bundler' }),
      `import { a } from './a.js';`,
      './shutdown.js',
    ],
    [
      'allowImportingTsExtensions',
      'src/index.ts',
      'src/shutdown.ts',
      'esm',
      tsconfig({ moduleResolution: 'bundler', allowImportingTsExtensions: true }),
      `import { a } from './a.ts';`,
      './shutdown.ts',
    ],
    [
      'allowImportingTsExtensions, .mts',
      'main.mts',
      'shutdown.mts',
      'esm',
      tsconfig({ allowImportingTsExtensions: true }),
      '',
      './shutdown.mts',
    ],
    ['.mts under NodeNext', 'main.mts', 'shutdown.mts', 'esm', tsconfig({ moduleResolution: 'NodeNext' }), '', './shutdown.mjs'],
    ['JS ESM', 'server.js', 'shutdown.js', 'esm', null, '', './shutdown.js'],
    ['.mjs', 'server.mjs', 'shutdown.mjs', 'esm', null, `import x from './x.mjs';`, './shutdown.mjs'],
    ['CJS JS', 'server.js', 'shutdown.js', 'cjs', null, `const r = require('./routes');`, './shutdown'],
    ['CJS JS whose requires name .js', 'server.js', 'shutdown.js', 'cjs', null, `const r = require('./routes.js');`, './shutdown.js'],
    ['.cjs (require() would not find it without the extension)', 'index.cjs', 'shutdown.cjs', 'cjs', null, '', './shutdown.cjs'],
    ['.cts', 'src/server.cts', 'src/shutdown.cts', 'cjs', tsconfig({ moduleResolution: 'NodeNext' }), '', './shutdown.cjs'],
    [
      'CJS TS',
      'src/main.ts',
      'src/shutdown.ts',
      'cjs',
      tsconfig({ module: 'commonjs' }),
      `import { AppModule } from './app.module';`,
      './shutdown',
    ],
    [
      'TS ESM without tsconfig (tsx), extensionless style',
      'src/main.ts',
      'src/shutdown.ts',
      'esm',
      null,
      `import { a } from './a';`,
      './shutdown',
    ],
    [
      'nested entry dir',
      'apps/api/src/main.ts',
      'apps/api/src/shutdown.ts',
      'esm',
      tsconfig({ moduleResolution: 'node16' }),
      '',
      './shutdown.js',
    ],
  ] as const)('%s → %s', (_label, entrypoint, moduleFile, moduleSystem, ts, source, expected) => {
    expect(importSpecifier({ entrypoint, moduleFile, moduleSystem, tsconfig: ts, source })).toBe(expected);
  });
});
