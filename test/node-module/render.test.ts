/**
 * The generator and the text it renders: file placement, plan action, validation, snapshots of the four
 * variants, and the TypeScript variants compiling under tsc --strict with NodeNext and CommonJS settings.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { UserError } from '../../src/core/errors.js';
import type { Facts, NodeApp } from '../../src/detect/facts.js';
import { nodeModuleFile, nodeModuleGenerator, renderNodeModule } from '../../src/generators/node-module.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { FIXTURES, MODULE_SETTINGS, ROOT, STRICT_FLAGS, VARIANT_NAMES, removeTempDirs, tempDir, tsc, variantOf } from './helpers.js';

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
    entrypoint: { path, language, moduleSystem, via: 'main', script: null },
    start: null,
    devServer: null,
    processManagers: [],
    servesTraffic: true,
  };
}

const answers: Answers = { apps: [''], parts: ['module'], timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 };

function context(app: NodeApp, over: Partial<Answers> = {}): GeneratorContext {
  const facts: Facts = {
    root: '/repo',
    isGitRepo: true,
    packageManager: 'npm',
    workspaces: [],
    apps: [app],
    container: { dockerfiles: [], composeFiles: [], k8sManifests: [] },
    warnings: [],
  };
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
  it('applies to a Node app with an entrypoint and plans one render beside it', () => {
    const app = nodeApp('src/index.ts', 'ts', 'cjs');
    const ctx = context(app, { timeoutMs: 12000, shutdownDelayMs: 3000, exitMode: 'signal' });
    expect(nodeModuleGenerator).toMatchObject({ name: 'node-module', part: 'module' });
    expect(nodeModuleGenerator.appliesTo(ctx)).toBe(true);
    expect(nodeModuleGenerator.actions(ctx)).toEqual([
      {
        type: 'plan-render',
        path: 'src/shutdown.ts',
        template: 'node/shutdown.hbs',
        data: { ts: true, esm: false, timeoutMs: 12000, shutdownDelayMs: 3000, exitMode: 'signal' },
        reason: 'shutdown registry',
      },
    ]);
  });

  it('does not apply without an entrypoint', () => {
    const app = { ...nodeApp('x.js', 'js', 'cjs'), entrypoint: null };
    expect(nodeModuleGenerator.appliesTo(context(app))).toBe(false);
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

  it('renders the answers into the defaults', () => {
    const text = renderNodeModule({ ts: false, esm: true, timeoutMs: 12345, shutdownDelayMs: 678, exitMode: 'signal' });
    expect(text).toContain('const DEFAULT_TIMEOUT_MS = 12345;');
    expect(text).toContain('const DEFAULT_DELAY_MS = 678;');
    expect(text).toContain('const DEFAULT_EXIT_MODE = "signal";');
  });
});

describe('rendered variants', () => {
  const ext = { 'ts-esm': 'ts', 'ts-cjs': 'ts', 'js-esm': 'js', 'js-cjs': 'js' } as const;

  it.each(VARIANT_NAMES)('%s matches its snapshot', async (name) => {
    await expect(renderNodeModule(variantOf(name))).toMatchFileSnapshot(`../../snapshots/node-module/${name}/shutdown.${ext[name]}`);
  });

  it.each(VARIANT_NAMES)('%s imports nothing but node: built-ins and documents its exit codes', (name) => {
    const text = renderNodeModule(variantOf(name));
    const specifiers = [...text.matchAll(/(?:from\s+|require\()\s*'([^']+)'/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.every((s) => s!.startsWith('node:'))).toBe(true);
    expect(text).toMatch(/Exit codes:\n(?: \*.*\n)*? \* {3}0 {6}clean shutdown/);
    expect(text).toMatch(/ \* {3}1 {6}not clean/);
  });

  it('the JavaScript variants use their own module syntax and parse', async () => {
    const esm = renderNodeModule(variantOf('js-esm'));
    const cjs = renderNodeModule(variantOf('js-cjs'));
    expect(esm).toMatch(/^export \{$/m);
    expect(esm).not.toMatch(/require\(|module\.exports/);
    expect(cjs).toMatch(/^module\.exports = \{$/m);
    expect(cjs).not.toMatch(/^(import|export) /m);
    const dir = tempDir('gs-node-check-');
    writeFileSync(join(dir, 'shutdown.mjs'), esm);
    writeFileSync(join(dir, 'shutdown.cjs'), cjs);
    const run = promisify(execFile);
    await run(process.execPath, ['--check', join(dir, 'shutdown.mjs')]);
    await run(process.execPath, ['--check', join(dir, 'shutdown.cjs')]);
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
      await tsc(dir, [...STRICT_FLAGS, ...MODULE_SETTINGS.nodenext, '--verbatimModuleSyntax', '--noEmit', 'shutdown.ts', 'usage.ts', 'esm/shutdown.mts']);
    },
    TSC_TIMEOUT_MS,
  );

  // The CommonJS variant is written with import/export, which tsc emits as require/exports; that is also why
  // it cannot be used with verbatimModuleSyntax in a CommonJS package (TS1286).
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
