/**
 * The generator and the text it renders: file placement, plan action, validation, the flavour picked for an
 * app, snapshots of each flavour once, and the TypeScript flavours compiling under tsc --strict with their
 * users (NodeNext and CommonJS settings). The matrix of real setups is tsconfig-matrix.test.ts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { UserError } from '../../src/core/errors.js';
import type { Facts, NodeApp } from '../../src/detect/facts.js';
import { MODULE_FLAVOURS, RUNTIME_ENTRIES, compileFlavour, type ModuleFlavour } from '../../src/generators/module-source.js';
import { nodeEntrypointGenerator } from '../../src/generators/node-entrypoint.js';
import { expectFlavourSnapshot } from '../helpers/flavour-snapshot.js';
import { nodeModuleFile, nodeModuleFlavour, nodeModuleGenerator, renderNodeModule } from '../../src/generators/node-module.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { DEFAULT_DATA, FIXTURES, MODULE_SETTINGS, ROOT, STRICT_FLAGS, removeTempDirs, tempDir, tsc, variantOf } from './helpers.js';
import { answersFor, factsFor, tsconfigFor } from '../helpers/builders.js';

afterAll(removeTempDirs);

function nodeApp(path: string, language: 'ts' | 'js', moduleSystem: 'esm' | 'cjs'): NodeApp {
  return {
    kind: 'node',
    dir: '',
    name: 'app',
    packageType: moduleSystem === 'esm' ? 'module' : 'commonjs',
    scripts: {},
    dependencies: ['express'],
    frameworks: ['express'],
    tsconfig: null,
    nodeTarget: null,
    entrypoint: { path, language, moduleSystem, via: 'main', script: null },
    start: null,
    devServer: null,
    processManagers: [],
    servesTraffic: true,
  };
}

const answers: Answers = answersFor({ parts: ['module'] });

function context(app: NodeApp, over: Partial<Answers> = {}): GeneratorContext {
  const facts: Facts = factsFor('/repo', [app], { isGitRepo: true, packageManager: 'npm' });
  return { facts, answers: { ...answers, ...over }, app, current: () => null };
}

describe('nodeModuleFile', () => {
  it.each([
    ['src/server.ts', 'ts', 'esm', 'src/shutdown.ts'],
    ['src/server.mts', 'ts', 'esm', 'src/shutdown.mts'],
    ['src/server.cts', 'ts', 'cjs', 'src/shutdown.cts'],
    ['server.js', 'js', 'cjs', 'shutdown.js'],
    ['apps/api/index.mjs', 'js', 'esm', 'apps/api/shutdown.mjs'],
    ['bin/www.cjs', 'js', 'cjs', 'bin/shutdown.cjs'],
  ] as const)('%s → %s', (entry, language, moduleSystem, expected) => {
    expect(nodeModuleFile(nodeApp(entry, language, moduleSystem))).toBe(expected);
  });
});

describe('nodeModuleGenerator', () => {
  it('applies to a Node app with an entrypoint and plans one write beside it, with the answers in its header', () => {
    const app = nodeApp('src/index.ts', 'ts', 'cjs');
    const ctx = context(app, { timeoutMs: 12000, shutdownDelayMs: 3000, exitMode: 'signal' });
    expect(nodeModuleGenerator).toMatchObject({ name: 'node-module', part: 'module' });
    expect(nodeModuleGenerator.appliesTo(ctx)).toBe(true);
    const actions = nodeModuleGenerator.actions(ctx);
    expect(actions).toEqual([
      {
        type: 'plan-write',
        path: 'src/shutdown.ts',
        content: renderNodeModule({ flavour: 'ts', timeoutMs: 12000, shutdownDelayMs: 3000, exitMode: 'signal' }),
        reason: 'shutdown registry',
      },
    ]);
  });

  it('does not apply without an entrypoint', () => {
    const app = { ...nodeApp('x.js', 'js', 'cjs'), entrypoint: null };
    expect(nodeModuleGenerator.appliesTo(context(app))).toBe(false);
  });

  it('a repo that targets a Node older than the floor gets a plan message instead of the module, and no wiring', () => {
    const app = { ...nodeApp('server.js', 'js', 'cjs'), nodeTarget: { major: 14, source: 'FROM node:14', file: 'Dockerfile' } };
    const actions = nodeModuleGenerator.actions(context(app));
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: 'plan-note', level: 'warn', file: 'Dockerfile' });
    expect((actions[0] as { message: string }).message).toMatch(/Node 14 \(FROM node:14\).*needs Node >= 18/);
    expect(nodeEntrypointGenerator.appliesTo(context(app))).toBe(false);
    const ok = { ...app, nodeTarget: { major: 18, source: 'engines.node ">=18"', file: 'package.json' } };
    expect(nodeModuleGenerator.actions(context(ok))[0]).toMatchObject({ type: 'plan-write' });
  });

  it.each([
    [{ timeoutMs: 0 }, /timeout/],
    [{ timeoutMs: 1.5 }, /timeout/],
    [{ timeoutMs: Number.NaN }, /timeout/],
    [{ timeoutMs: 3_000_000_000 }, /timeout/],
    [{ shutdownDelayMs: -1 }, /delay/],
    [{ shutdownDelayMs: 8000 }, /delay/],
    [{ exitMode: 'sometimes' as 'zero' }, /exit mode/],
  ])('rejects %o with a UserError before anything reaches code', (over, message) => {
    const ctx = context(nodeApp('server.js', 'js', 'esm'), over);
    expect(() => nodeModuleGenerator.actions(ctx)).toThrow(UserError);
    expect(() => nodeModuleGenerator.actions(ctx)).toThrow(message);
  });

  it('renders the answers into the header constants', () => {
    const text = renderNodeModule({ flavour: 'js-esm', timeoutMs: 12345, shutdownDelayMs: 678, exitMode: 'signal' });
    expect(text).toContain('const DEFAULT_TIMEOUT_MS = 12345;');
    expect(text).toContain('const DEFAULT_DELAY_MS = 678;');
    expect(text).toContain('const DEFAULT_EXIT_MODE = "signal";');
  });
});

describe('nodeModuleFlavour: the variant that compiles where the app is', () => {
  const tsconfig = tsconfigFor;
  it.each([
    ['JavaScript ESM', nodeApp('server.mjs', 'js', 'esm'), 'js-esm'],
    ['JavaScript CommonJS', nodeApp('server.js', 'js', 'cjs'), 'js-cjs'],
    ['TypeScript ESM', nodeApp('src/index.ts', 'ts', 'esm'), 'ts'],
    ['TypeScript CommonJS (tsc emits require)', nodeApp('src/index.ts', 'ts', 'cjs'), 'ts'],
    [
      'TypeScript CommonJS + verbatimModuleSyntax',
      { ...nodeApp('src/index.ts', 'ts', 'cjs'), tsconfig: tsconfig({ verbatimModuleSyntax: true }) },
      'ts-export-assign',
    ],
    [
      'TypeScript CommonJS + erasableSyntaxOnly',
      { ...nodeApp('src/index.cts', 'ts', 'cjs'), tsconfig: tsconfig({ verbatimModuleSyntax: true, erasableSyntaxOnly: true }) },
      'ts-require',
    ],
    [
      'TypeScript CommonJS run by node itself',
      {
        ...nodeApp('src/index.cts', 'ts', 'cjs'),
        start: { script: 'start', raw: 'node src/index.cts', resolved: 'node src/index.cts', chain: ['start'] },
      },
      'ts-require',
    ],
    [
      'TypeScript ESM + verbatimModuleSyntax',
      { ...nodeApp('src/index.ts', 'ts', 'esm'), tsconfig: tsconfig({ verbatimModuleSyntax: true }) },
      'ts',
    ],
  ] as const)('%s → %s', (_title, app, flavour) => {
    expect(nodeModuleFlavour(app as NodeApp)).toBe(flavour);
  });
});

describe('rendered flavours', () => {
  const ext: Record<ModuleFlavour, string> = { ts: 'ts', 'ts-export-assign': 'cts', 'ts-require': 'cts', 'js-esm': 'mjs', 'js-cjs': 'cjs' };
  const variant = (flavour: ModuleFlavour) => ({ ...DEFAULT_DATA, flavour });

  // The CommonJS flavours are reviewed as diffs against the ES module flavour of their language.
  const baseOf: Record<ModuleFlavour, ModuleFlavour | null> = {
    ts: null,
    'ts-export-assign': 'ts',
    'ts-require': 'ts',
    'js-esm': null,
    'js-cjs': 'js-esm',
  };
  const file = (flavour: ModuleFlavour): string => `shutdown.${flavour}.${ext[flavour]}`;

  it.each(MODULE_FLAVOURS)('%s matches its snapshot', async (flavour) => {
    const base = baseOf[flavour];
    await expectFlavourSnapshot(
      `../../snapshots/node-module/${file(flavour)}`,
      renderNodeModule(variant(flavour)),
      base === null ? null : { name: file(base), text: renderNodeModule(variant(base)) },
    );
  });

  it.each(MODULE_FLAVOURS)('%s imports nothing at run time, references the node types and documents its exit codes', (flavour) => {
    const text = renderNodeModule(variant(flavour));
    const code = text.slice(text.indexOf('*/'));
    expect(code).not.toMatch(/^import (?!type )/m);
    expect(code).not.toMatch(/require\(/);
    expect(text).toMatch(/^\/\/\/ <reference types="node" \/>$/m);
    expect(text).toMatch(/Exit codes:\n(?: \*.*\n)*? \* {3}0 {6}clean shutdown/);
    expect(text).toMatch(/ \* {3}1 {6}not clean/);
    expect(text).toMatch(/Server-Sent Events.*\n.*shutdownSignal\.addEventListener\('abort'/);
    expect(code).not.toMatch(/<\/?source-only>|shutdown-answers|from '\.\//);
    expect(text).toMatch(/^ \* Loaded with: .*'\.\/shutdown\.c?js'/m);
  });

  it('every flavour exports the same names', () => {
    const names = (text: string) =>
      /(?:export|module\.exports) =? ?\{\n([^}]*)\}/
        .exec(text)![1]!
        .split(/[\s,]+/)
        .filter(Boolean)
        .sort();
    const expected = names(renderNodeModule(variant('ts')));
    expect(expected).toEqual([
      'isReady',
      'isShuttingDown',
      'readinessCheck',
      'registerHttpServer',
      'registerShutdownHandler',
      'registerWebSocketServer',
      'removeShutdownHandler',
      'setupSignalHandlers',
      'shutdown',
      'shutdownSignal',
    ]);
    for (const f of MODULE_FLAVOURS) expect(names(renderNodeModule(variant(f))), f).toEqual(expected);
  });

  it("the JavaScript flavours are TypeScript's transpile of the source: their own module syntax, blank lines kept, and they parse", async () => {
    const esm = renderNodeModule(variant('js-esm'));
    const cjs = renderNodeModule(variant('js-cjs'));
    expect(esm).toMatch(/^export \{$/m);
    expect(esm).not.toMatch(/module\.exports|: (string|number|boolean)\b|^interface /m);
    expect(cjs).toMatch(/^module\.exports = \{$/m);
    expect(cjs).not.toMatch(/^(import|export) /m);
    expect(cjs).toMatch(
      /\}\n\n\/\*\*\n \* Installs the signal listeners[\s\S]*?\*\/\nfunction setupSignalHandlers\(opts = \{\}\) \{\n {2}Object\.assign/,
    );
    const dir = tempDir('gs-node-check-');
    writeFileSync(join(dir, 'shutdown.mjs'), esm);
    writeFileSync(join(dir, 'shutdown.cjs'), cjs);
    const run = promisify(execFile);
    await run(process.execPath, ['--check', join(dir, 'shutdown.mjs')]);
    await run(process.execPath, ['--check', join(dir, 'shutdown.cjs')]);
  });

  it("the build's precompiled flavours (dist/runtime/flavours) are the live compile of the current sources", () => {
    for (const [entry, answers] of Object.entries(RUNTIME_ENTRIES)) {
      for (const f of MODULE_FLAVOURS) {
        const built = readFileSync(join(ROOT, 'dist/runtime/flavours', `${entry}.${f}.txt`), 'utf8');
        expect(built, `${entry} ${f}: run npm run build`).toBe(compileFlavour(entry, answers, f));
      }
    }
  });

  it('the TypeScript flavour is the runtime source with the drain inlined and the answers in place', () => {
    const text = renderNodeModule(variant('ts'));
    const source = readFileSync(join(ROOT, 'src/runtime/shutdown.ts'), 'utf8');
    // The re-export of the drain's types is dropped: the inlined declarations keep their `export`.
    const body = source
      .slice(source.indexOf('export type ExitMode'))
      .replace("export type { WebSocketLike, WebSocketServerLike } from './drain.js';\n\n", '');
    expect(text).toContain(body);
    expect(text).toMatch(/^export interface WebSocketLike \{$/m);
    expect(text).toContain('function drainServer(tracked: TrackedServer): Promise<void> {');
  });
});

// tsc is slow on a loaded machine: two runs in all, each checking the module together with its users.
describe.concurrent('tsc --strict', () => {
  const TSC_TIMEOUT_MS = 240_000;

  /** A temp project (node_modules linked) holding the module and a file using it with express, fastify, koa, ws, http2. */
  function project(type: 'module' | 'commonjs', files: Record<string, string>): string {
    const dir = tempDir('gs-node-tsc-');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), source);
    }
    copyFileSync(join(FIXTURES, 'usage.ts'), join(dir, 'usage.ts'));
    return dir;
  }

  it(
    'ts-esm compiles under NodeNext (type module, verbatimModuleSyntax), also as .mts, with its users',
    async () => {
      const dir = project('module', {
        'shutdown.ts': renderNodeModule(variantOf('ts-esm')),
        'esm/shutdown.mts': renderNodeModule(variantOf('ts-esm')),
      });
      await tsc(dir, [
        ...STRICT_FLAGS,
        ...MODULE_SETTINGS.nodenext,
        '--verbatimModuleSyntax',
        '--noEmit',
        'shutdown.ts',
        'usage.ts',
        'esm/shutdown.mts',
      ]);
    },
    TSC_TIMEOUT_MS,
  );

  // In a CommonJS package the `ts` flavour is written with import/export, which tsc emits as require/exports;
  // under verbatimModuleSyntax the generator picks `ts-export-assign` instead (tsconfig-matrix.test.ts).
  it(
    'ts-cjs compiles under CommonJS settings (module commonjs, node10 resolution), also as .cts, with its users',
    async () => {
      const dir = project('commonjs', {
        'shutdown.ts': renderNodeModule(variantOf('ts-cjs')),
        'cjs/shutdown.cts': renderNodeModule(variantOf('ts-cjs')),
      });
      await tsc(dir, [...STRICT_FLAGS, ...MODULE_SETTINGS.commonjs, '--noEmit', 'shutdown.ts', 'usage.ts', 'cjs/shutdown.cts']);
    },
    TSC_TIMEOUT_MS,
  );
});
