// ts-morph costs most of a run's start-up: `--help` and a re-run on an already wired entrypoint must never
// load it. A preload script (NODE_OPTIONS --require) lists, at exit, which of the heavy packages the CLI
// process loaded: ts-morph is CommonJS, so it lands in require.cache however it is imported.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupCopies, copyRepo, runCli } from '../helpers/tree.js';
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

let runs = 0;
/** Runs the CLI with the trace; returns its result and the packages it loaded. */
function tracedCli(args: string[]): { code: number | null; stdout: string; stderr: string; loaded: string[] } {
  const out = join(work, `loaded-${++runs}.txt`);
  const r = runCli(args, { env: { NODE_OPTIONS: `--require ${TRACE}`, CGS_TRACE_OUT: out, CI: 'true' } });
  return { ...r, loaded: readFileSync(out, 'utf8').split('\n') };
}

describe('ts-morph stays unloaded where no edit needs it', () => {
  it('--help', () => {
    const r = tracedCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.loaded).not.toContain('ts-morph');
    expect(r.loaded).not.toContain('@ts-morph/common');
  });

  it.each(['express-ts-esm', 'node-http-cjs'])('a re-run on the wired entrypoint of %s (the first run loads it)', (name) => {
    const dir = copyRepo(name);
    const first = tracedCli([dir, '--yes']);
    expect(first.code, first.stderr).toBe(0);
    // The control: wiring the entrypoint needs ts-morph, and the trace sees it.
    expect(first.loaded).toContain('ts-morph');
    const again = tracedCli([dir, '--yes', '--dry-run']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to do');
    expect(again.loaded).not.toContain('ts-morph');
    expect(again.loaded).not.toContain('@ts-morph/common');
  });
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
