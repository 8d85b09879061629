// ts-morph and node-plop cost most of a run's start-up: `--help` and a re-run on an already wired entrypoint
// must never load ts-morph, and the CLI never loads node-plop (it runs the generators' actions itself; only
// the plop pack goes through node-plop). A preload script (NODE_OPTIONS --require) lists, at exit, the
// packages in require.cache (CommonJS: ts-morph, inquirer's rxjs); an ESM resolve hook (registered with
// --import) adds every ES module the process resolves (node-plop and inquirer are ESM).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanupCopies, copyRepo, ROOT, runCli, type CliResult } from '../helpers/tree.js';
import { wiredByText } from '../../src/generators/wired-by-text.js';

const work = mkdtempSync(join(tmpdir(), 'cgs-lazy-load-'));
afterAll(() => {
  cleanupCopies();
  rmSync(work, { recursive: true, force: true });
});

const TRACE = join(work, 'trace.cjs');
writeFileSync(
  TRACE,
  `process.on('exit', () => {
  const pkgs = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /.*node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
    if (m) pkgs.add(m[1]);
  }
  require('fs').writeFileSync(process.env.CGS_TRACE_OUT, [...pkgs].join('\\n'));
});
`,
);

const HOOKS = join(work, 'hooks.mjs');
writeFileSync(
  HOOKS,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.CGS_TRACE_OUT + '.esm', r.url + '\\n');
  return r;
}
`,
);
const REGISTER = join(work, 'register.mjs');
writeFileSync(REGISTER, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${HOOKS}`)});\n`);

/** The packages named by node_modules paths or file URLs. */
function packagesOf(files: string[]): string[] {
  const pkgs = new Set<string>();
  for (const f of files) {
    const m = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
    if (m) pkgs.add(m[1]!);
  }
  return [...pkgs];
}

let runs = 0;
/** Runs node with the trace; returns its result and the packages it loaded. */
function traced(run: (env: Record<string, string>) => CliResult): CliResult & { loaded: string[] } {
  const out = join(work, `loaded-${++runs}.txt`);
  const r = run({ NODE_OPTIONS: `--require ${TRACE} --import ${REGISTER}`, CGS_TRACE_OUT: out, CI: 'true' });
  const esm = readFileSync(`${out}.esm`, 'utf8').split('\n');
  const cjs = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  return { ...r, loaded: [...new Set([...cjs, ...packagesOf(esm)])].sort() };
}
const tracedCli = (args: string[]) => traced((env) => runCli(args, { env }));

/** node-plop and what only node-plop brings in (inquirer and its rxjs, ora). */
const PLOP = ['node-plop', 'inquirer', 'rxjs', 'ora'];

describe('ts-morph and node-plop stay unloaded where nothing needs them', () => {
  it('--help loads no package at all', () => {
    const r = tracedCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--yes');
    expect(r.loaded).toEqual([]);
  });

  it('the trace sees ES modules: importing the plop pack loads node-plop', () => {
    const r = traced((env) => {
      const p = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(join(ROOT, 'dist', 'plop-pack.js'))})`],
        { env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      return { code: p.status, stdout: p.stdout, stderr: p.stderr };
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.loaded).toContain('node-plop');
  });

  it.each(['express-ts-esm', 'node-http-cjs'])(
    'a run and a re-run on the wired entrypoint of %s: no node-plop; ts-morph only to wire',
    (name) => {
      const dir = copyRepo(name);
      const first = tracedCli([dir, '--yes']);
      expect(first.code, first.stderr).toBe(0);
      // The control: wiring the entrypoint needs ts-morph, and the trace sees it.
      expect(first.loaded).toContain('ts-morph');
      expect(first.loaded.filter((p) => PLOP.includes(p))).toEqual([]);
      const again = tracedCli([dir, '--yes', '--dry-run']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('Nothing to do');
      expect(again.loaded).not.toContain('ts-morph');
      expect(again.loaded).not.toContain('@ts-morph/common');
      expect(again.loaded.filter((p) => PLOP.includes(p))).toEqual([]);
    },
  );
});

describe('wiredByText: sure answers only', () => {
  it.each([
    ["import { setupSignalHandlers, registerHttpServer } from './shutdown.js';\nsetupSignalHandlers();\n", './shutdown.js', true],
    ["import {\n  setupSignalHandlers,\n} from './shutdown';\n", './shutdown.js', true],
    ["const { setupSignalHandlers } = require('./shutdown');\n", './shutdown.js', true],
    ["import { setupSignalHandlers } from './lib/other.js';\n", './shutdown.js', false],
    ["/*\nimport { setupSignalHandlers } from './shutdown.js';\n*/\n", './shutdown.js', false],
    ["const code = `\nimport { setupSignalHandlers } from './shutdown.js';\n`;\n", './shutdown.js', false],
    ["import type { ShutdownOptions } from './shutdown.js';\n", './shutdown.js', false],
    ["  // import { setupSignalHandlers } from './shutdown.js';\n", './shutdown.js', false],
    ["import express from 'express';\n", './shutdown.js', false],
  ])('%j with %s: %s', (source, specifier, wired) => {
    expect(wiredByText(source, specifier)).toBe(wired);
  });
});
