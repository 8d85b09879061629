/**
 * The generated modules compile under real users' setups. Each case is a small project shaped like a real
 * one (tsconfig, package type, entry file, compiler and @types/node versions), with its tsconfig read by
 * detectTsconfig, the flavour picked by the generator as it would be for that app, and an entry file that
 * uses the module the way that flavour is imported. The compiler is the real one of that version, installed
 * into a cache outside the repo (see helpers.ts); any diagnostic fails the case.
 *
 * Shapes, from the public repos they imitate: microsoft/TypeScript-Node-Starter (CommonJS, target es6, no
 * strict), nestjs/typescript-starter (CommonJS, strictBindCallApply false, decorators), a strict NodeNext
 * ESM service, CommonJS and ESM packages with verbatimModuleSyntax, @tsconfig/node-ts (erasableSyntaxOnly,
 * isolatedModules, allowImportingTsExtensions), checkJs + strict on JavaScript, TypeScript 6 (types: []
 * by default) and 7, @types/node 14 and 16 (no `node:` modules, no global AbortSignal in 14).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeApp } from '../../src/detect/facts.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { detectTsconfig } from '../../src/detect/tsconfig.js';
import { devServerFlavour, renderDevServerModule } from '../../src/generators/devserver.js';
import type { ModuleFlavour } from '../../src/generators/module-source.js';
import { nodeModuleFile, nodeModuleFlavour, nodeModuleVariant } from '../../src/generators/node-module.js';
import { renderNodeModule } from '../../src/generators/node-module.js';
import { readFileSync } from 'node:fs';
import { detect } from '../../src/detect/index.js';
import { nodeEntrypointGenerator } from '../../src/generators/node-entrypoint.js';
import { nodeModuleGenerator } from '../../src/generators/node-module.js';
import type { Answers } from '../../src/answers.js';
import { cachedInstall, removeTempDirs, tempDir } from './helpers.js';
import { answersFor } from '../helpers/builders.js';

/** Compiler + type definitions installs (cache dir name → npm specs). */
const TOOLCHAINS = {
  'ts-5.9-node-20': ['typescript@5.9', '@types/node@20'],
  'ts-5.9-node-18': ['typescript@5.9', '@types/node@18'],
  'ts-5.0-node-14': ['typescript@5.0', '@types/node@14'],
  'ts-5.4-node-16': ['typescript@5.4', '@types/node@16'],
  'ts-6.0-node-22': ['typescript@6.0', '@types/node@22'],
  'ts-7.0-node-24': ['typescript@7.0', '@types/node@24'],
} as const;
type Toolchain = keyof typeof TOOLCHAINS;

interface Case {
  title: string;
  toolchain: Toolchain;
  type: 'module' | 'commonjs';
  entry: string;
  /** The tsconfig.json (and any file it extends). */
  configs: Record<string, object>;
  /** The flavour the generator must pick here. */
  flavour: ModuleFlavour;
  /** Import specifier style: NodeNext needs extensions, node10 resolution does not. */
  extensions: boolean;
}

const STRICTEST = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noFallthroughCasesInSwitch: true,
};

const CASES: Case[] = [
  {
    title: 'TypeScript-Node-Starter shape (CommonJS, target es6, noImplicitAny, no strict)',
    toolchain: 'ts-5.9-node-20',
    type: 'commonjs',
    entry: 'src/server.ts',
    flavour: 'ts',
    extensions: false,
    configs: {
      'tsconfig.json': {
        compilerOptions: {
          module: 'commonjs',
          esModuleInterop: true,
          allowSyntheticDefaultImports: true,
          target: 'es6',
          noImplicitAny: true,
          moduleResolution: 'node',
          inlineSourceMap: true,
          outDir: 'dist',
          baseUrl: '.',
          paths: { '*': ['node_modules/*', 'src/types/*'] },
        },
        include: ['src/**/*'],
      },
    },
  },
  {
    title: 'NestJS starter shape (CommonJS, strictNullChecks, strictBindCallApply false, decorators)',
    toolchain: 'ts-5.9-node-20',
    type: 'commonjs',
    entry: 'src/main.ts',
    flavour: 'ts',
    extensions: false,
    configs: {
      'tsconfig.json': {
        compilerOptions: {
          module: 'commonjs',
          declaration: true,
          removeComments: true,
          emitDecoratorMetadata: true,
          experimentalDecorators: true,
          allowSyntheticDefaultImports: true,
          target: 'ES2023',
          sourceMap: true,
          outDir: './dist',
          baseUrl: './',
          incremental: true,
          skipLibCheck: true,
          strictNullChecks: true,
          forceConsistentCasingInFileNames: true,
          noImplicitAny: false,
          strictBindCallApply: false,
          noFallthroughCasesInSwitch: false,
        },
      },
    },
  },
  {
    title: 'strict NodeNext ESM service (every strict flag, noPropertyAccessFromIndexSignature, verbatimModuleSyntax)',
    toolchain: 'ts-5.9-node-20',
    type: 'module',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: { ...STRICTEST, module: 'nodenext', target: 'es2022', verbatimModuleSyntax: true, outDir: 'dist', rootDir: 'src' },
        include: ['src'],
      },
    },
  },
  {
    title: 'CommonJS package with verbatimModuleSyntax (through an extends chain)',
    toolchain: 'ts-5.9-node-18',
    type: 'commonjs',
    entry: 'src/index.ts',
    flavour: 'ts-export-assign',
    extensions: true,
    configs: {
      'tsconfig.base.json': { compilerOptions: { strict: true, verbatimModuleSyntax: true, module: 'nodenext', target: 'es2022' } },
      'tsconfig.json': {
        extends: './tsconfig.base.json',
        compilerOptions: { outDir: 'dist', noPropertyAccessFromIndexSignature: true },
        include: ['src'],
      },
    },
  },
  {
    title: 'ESM package with verbatimModuleSyntax and isolatedModules',
    toolchain: 'ts-5.9-node-18',
    type: 'module',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: { strict: true, verbatimModuleSyntax: true, isolatedModules: true, module: 'node16', target: 'es2022' },
        include: ['src'],
      },
    },
  },
  {
    title: '@tsconfig/node-ts shape, ESM (erasableSyntaxOnly, isolatedModules, allowImportingTsExtensions, noEmit)',
    toolchain: 'ts-5.9-node-20',
    type: 'module',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: {
          ...STRICTEST,
          module: 'nodenext',
          target: 'esnext',
          erasableSyntaxOnly: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          allowImportingTsExtensions: true,
          rewriteRelativeImportExtensions: true,
          noEmit: true,
        },
        include: ['src'],
      },
    },
  },
  {
    title: 'CommonJS .cts under erasableSyntaxOnly + verbatimModuleSyntax (what Node type stripping runs)',
    toolchain: 'ts-5.9-node-20',
    type: 'commonjs',
    entry: 'src/index.cts',
    flavour: 'ts-require',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          target: 'esnext',
          erasableSyntaxOnly: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          noEmit: true,
        },
        include: ['src'],
      },
    },
  },
  {
    title: 'JavaScript ESM with checkJs + strict',
    toolchain: 'ts-5.9-node-20',
    type: 'module',
    entry: 'src/index.js',
    flavour: 'js-esm',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: { allowJs: true, checkJs: true, strict: true, noEmit: true, module: 'nodenext', target: 'es2022' },
        include: ['src'],
      },
    },
  },
  {
    title: 'JavaScript CommonJS with checkJs + strict',
    toolchain: 'ts-5.9-node-20',
    type: 'commonjs',
    entry: 'src/index.js',
    flavour: 'js-cjs',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: { allowJs: true, checkJs: true, strict: true, noEmit: true, module: 'nodenext', target: 'es2022' },
        include: ['src'],
      },
    },
  },
  {
    title: 'TypeScript 6 with its defaults (types: [], strict), ESM',
    toolchain: 'ts-6.0-node-22',
    type: 'module',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: { 'tsconfig.json': { compilerOptions: { module: 'nodenext', outDir: 'dist', rootDir: 'src' }, include: ['src'] } },
  },
  {
    title: 'TypeScript 6, CommonJS with verbatimModuleSyntax',
    toolchain: 'ts-6.0-node-22',
    type: 'commonjs',
    entry: 'src/index.ts',
    flavour: 'ts-export-assign',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: { module: 'nodenext', verbatimModuleSyntax: true, outDir: 'dist', rootDir: 'src' },
        include: ['src'],
      },
    },
  },
  {
    title: 'TypeScript 7 (native compiler), strict NodeNext ESM',
    toolchain: 'ts-7.0-node-24',
    type: 'module',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: {
      'tsconfig.json': { compilerOptions: { ...STRICTEST, module: 'nodenext', target: 'es2022', types: ['node'] }, include: ['src'] },
    },
  },
  {
    title: 'TypeScript 7, CommonJS without strict',
    toolchain: 'ts-7.0-node-24',
    type: 'commonjs',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: { 'tsconfig.json': { compilerOptions: { module: 'nodenext', strict: false, types: ['node'] }, include: ['src'] } },
  },
  {
    title: '@types/node 14 (no node: modules, no AbortSignal global), TypeScript 5.0, CommonJS strict',
    toolchain: 'ts-5.0-node-14',
    type: 'commonjs',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: false,
    configs: {
      'tsconfig.json': { compilerOptions: { module: 'commonjs', target: 'es2019', strict: true, esModuleInterop: true }, include: ['src'] },
    },
  },
  {
    title: '@types/node 16, TypeScript 5.4, NodeNext ESM strict',
    toolchain: 'ts-5.4-node-16',
    type: 'module',
    entry: 'src/index.ts',
    flavour: 'ts',
    extensions: true,
    configs: {
      'tsconfig.json': {
        compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noPropertyAccessFromIndexSignature: true },
        include: ['src'],
      },
    },
  },
];

/** How an entry file imports the module, for each flavour. */
function importLines(flavour: ModuleFlavour, specifier: string): string {
  const names = 'setupSignalHandlers, registerHttpServer, registerShutdownHandler, shutdownSignal, isReady';
  switch (flavour) {
    case 'ts':
      return `import { ${names}, type ShutdownOptions } from '${specifier}';\nimport { createServer } from 'http';\nconst options: ShutdownOptions = { timeoutMs: 5000 };\n`;
    case 'ts-export-assign':
      return `import sd = require('${specifier}');\nimport http = require('http');\nconst { ${names} } = sd;\nconst { createServer } = http;\nconst options = { timeoutMs: 5000 };\n`;
    case 'ts-require':
    case 'js-cjs':
      return `const { ${names} } = require('${specifier}');\nconst { createServer } = require('http');\nconst options = { timeoutMs: 5000 };\n`;
    case 'js-esm':
      return `import { ${names} } from '${specifier}';\nimport { createServer } from 'http';\nconst options = { timeoutMs: 5000 };\n`;
  }
}

/** What an entry file does with the module; typed callbacks only where the flavour carries types. */
function usage(flavour: ModuleFlavour): string {
  const typed = flavour === 'ts' || flavour === 'ts-export-assign';
  // createServer comes through require() (untyped) in the CommonJS forms: its callback is typed by hand.
  const params: Record<ModuleFlavour, string> = {
    ts: '(_req, res)',
    'ts-export-assign': '(_req, res)',
    'ts-require': "(_req: import('http').IncomingMessage, res: import('http').ServerResponse)",
    'js-esm': '(_req, res)',
    'js-cjs': '(/** @type {any} */ _req, /** @type {any} */ res)',
  };
  const handler = typed ? "async ({ signal }) => {\n  signal.addEventListener('abort', () => undefined);\n}" : 'async () => undefined';
  return `
setupSignalHandlers(options);
const server = registerHttpServer(createServer(${params[flavour]} => {
  res.end(isReady() ? 'ok' : 'shutting down');
}));
registerShutdownHandler('sockets', ${handler}, { phase: 'drain' });
registerShutdownHandler('db', () => undefined, { timeoutMs: 1000 });
shutdownSignal.addEventListener('abort', () => undefined);
server.listen(0);
`;
}

function moduleSpecifier(entry: string, moduleFile: string, extensions: boolean): string {
  const base = `./${moduleFile.slice(dirname(entry).length + 1)}`;
  if (!extensions) return base.replace(/\.[cm]?[jt]s$/, '');
  return base
    .replace(/\.ts$/, '.js')
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs');
}

const toolchains = new Map<Toolchain, string>();

beforeAll(async () => {
  const needed = [...new Set(CASES.map((c) => c.toolchain))];
  for (const t of needed) toolchains.set(t, await cachedInstall(t, [...TOOLCHAINS[t]]));
}, 900_000);
afterAll(removeTempDirs);

const run = promisify(execFile);

describe.concurrent('the generated modules compile under real tsconfig shapes', () => {
  for (const c of CASES) {
    it(`${c.title}: ${c.flavour}`, async () => {
      const dir = tempDir('gs-tsmatrix-');
      for (const [file, json] of Object.entries(c.configs)) writeFileSync(join(dir, file), JSON.stringify(json, null, 2));
      // skipLibCheck: the errors that matter are in the generated files; checking @types/node itself is
      // slow and not ours (a setting given on the command line, so the tsconfig read by detection is the user's).
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', type: c.type }));
      symlinkSync(join(toolchains.get(c.toolchain)!, 'node_modules'), join(dir, 'node_modules'), 'dir');
      mkdirSync(join(dir, 'src'));

      const language = /\.[cm]?ts$/.test(c.entry) ? 'ts' : 'js';
      const moduleSystem = c.entry.endsWith('.cts') || (c.type === 'commonjs' && !c.entry.endsWith('.mts')) ? 'cjs' : 'esm';
      const app = {
        kind: 'node',
        dir: '',
        name: 'app',
        packageType: c.type,
        scripts: {},
        dependencies: [],
        frameworks: [],
        tsconfig: detectTsconfig(listRepoFiles(dir), ''),
        nodeTarget: null,
        entrypoint: { path: c.entry, language, moduleSystem, via: 'main', script: null },
        start: null,
        devServer: null,
        processManagers: [],
        servesTraffic: true,
      } as NodeApp;
      expect(nodeModuleFlavour(app)).toBe(c.flavour);

      const moduleFile = nodeModuleFile(app);
      writeFileSync(
        join(dir, moduleFile),
        renderNodeModule(nodeModuleVariant(app, { timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero' })),
      );
      writeFileSync(join(dir, c.entry), importLines(c.flavour, moduleSpecifier(c.entry, moduleFile, c.extensions)) + usage(c.flavour));
      // The dev-server module of the same setup (a .ts/.js file beside it), compiled in the same program.
      const ext = moduleFile.slice(moduleFile.lastIndexOf('.'));
      const devFlavour = devServerFlavour({ ts: language === 'ts', esm: moduleSystem === 'esm' }, app.tsconfig);
      writeFileSync(join(dir, `src/devserver-shutdown${ext}`), renderDevServerModule(devFlavour, 8000));

      const tsc = join(dir, 'node_modules/.bin/tsc');
      const result = await run(tsc, ['-p', dir, '--noEmit', '--pretty', 'false', '--skipLibCheck'], { cwd: dir }).then(
        (r) => r.stdout,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
      expect(result.trim(), `tsc in ${dir}`).toBe('');
    }, 180_000);
  }
});

// The entry file as the CLI wires it (detection, then the module and entrypoint generators): the import form
// follows the flavour, so the repo's own build still passes.
describe.concurrent('the module and the wiring the CLI writes compile together', () => {
  const ANSWERS: Answers = answersFor();
  const WIRED: [
    title: string,
    entry: string,
    type: 'module' | 'commonjs',
    compilerOptions: object,
    source: string,
    flavour: ModuleFlavour,
  ][] = [
    [
      'CommonJS + verbatimModuleSyntax',
      'src/index.ts',
      'commonjs',
      { module: 'nodenext', verbatimModuleSyntax: true, strict: true, outDir: 'dist', rootDir: 'src' },
      "import http = require('node:http');\nconst server = http.createServer((_req, res) => { res.end('ok'); });\nserver.listen(3000);\n",
      'ts-export-assign',
    ],
    [
      'CommonJS .cts + erasableSyntaxOnly',
      'src/index.cts',
      'commonjs',
      { module: 'nodenext', verbatimModuleSyntax: true, erasableSyntaxOnly: true, strict: true, noEmit: true },
      "const http = require('node:http') as typeof import('node:http');\nconst server = http.createServer((_req, res) => { res.end('ok'); });\nserver.listen(3000);\n",
      'ts-require',
    ],
    [
      'NestJS-like CommonJS, no strict',
      'src/main.ts',
      'commonjs',
      { module: 'commonjs', target: 'es2021', strictBindCallApply: false, outDir: 'dist' },
      "import { createServer } from 'http';\nconst server = createServer((_req, res) => { res.end('ok'); });\nserver.listen(3000);\n",
      'ts',
    ],
  ];
  for (const [title, entry, type, compilerOptions, source, flavour] of WIRED) {
    it(`${title}: ${flavour}`, async () => {
      const dir = tempDir('gs-tswired-');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', type, main: entry, scripts: { build: 'tsc' } }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { ...compilerOptions, types: ['node'] }, include: ['src'] }),
      );
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, entry), source);
      const facts = detect(dir);
      const app = facts.apps[0] as NodeApp;
      expect(nodeModuleFlavour(app)).toBe(flavour);
      const files = new Map<string, string>();
      const current = (p: string): string | null =>
        files.get(p) ??
        (() => {
          try {
            return readFileSync(join(dir, p), 'utf8');
          } catch {
            return null;
          }
        })();
      for (const gen of [nodeModuleGenerator, nodeEntrypointGenerator]) {
        const ctx = { facts, answers: ANSWERS, app, current };
        for (const a of gen.actions(ctx)) {
          if (a.type === 'plan-write') files.set(a.path, a.content);
          else if (a.type === 'plan-edit') {
            const edited = a.edit(current(a.path) ?? '');
            if (edited !== false) files.set(a.path, edited);
          } else if (a.type === 'plan-note' && a.level === 'warn') throw new Error(a.message);
        }
      }
      expect([...files.keys()].sort()).toEqual([entry, nodeModuleFile(app)].sort());
      for (const [p, text] of files) writeFileSync(join(dir, p), text);
      symlinkSync(join(toolchains.get('ts-5.9-node-20')!, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const result = await run(join(dir, 'node_modules/.bin/tsc'), ['-p', dir, '--noEmit', '--pretty', 'false', '--skipLibCheck'], {
        cwd: dir,
      }).then(
        (r) => r.stdout,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
      expect(result.trim(), `${files.get(entry)}\ntsc in ${dir}`).toBe('');
    }, 180_000);
  }
});
