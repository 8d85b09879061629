/**
 * Fixture triplets: test/fixtures/node-entrypoint/<case>/<entry file> (+ options.json) is wired,
 * and the output (or the refusal with its hand instructions) is compared with
 * snapshots/node-entrypoint/<case>/. Every output must parse, keep the file's line endings,
 * leave other lines alone and be a fixed point (a second run changes nothing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { diffLines } from 'diff';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { importSpecifier } from '../../src/edits/node-entrypoint/import-specifier.js';
import { nodeModuleFile } from '../../src/generators/node-module.js';
import { wireNodeEntrypoint, type WireOptions } from '../../src/edits/node-entrypoint/wire.js';
import type { NodeApp, TsconfigFacts } from '../../src/detect/facts.js';
import { tsconfigFor } from '../helpers/builders.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/node-entrypoint');

interface CaseOptions {
  packageType?: 'module' | 'commonjs';
  tsconfig?: Partial<TsconfigFacts>;
  frameworks?: string[];
  /** Text the refusal must contain; absent = the file must be edited. */
  refused?: string;
  /** Notes that must be reported (substrings). */
  notes?: string[];
  /** How many register*() calls the wired file holds (read and checked by hand in the snapshot). */
  registrations?: number;
  /** Input lines the edit may rewrite or delete (captures, replaced listeners). Default 0. */
  changedLines?: number;
}

interface Case {
  name: string;
  file: string;
  source: string;
  options: CaseOptions;
  wire: WireOptions;
}

function loadCase(name: string): Case {
  const dir = join(FIXTURES, name);
  const files = readdirSync(dir).filter((f) => f !== 'options.json');
  if (files.length !== 1 || !files[0]) throw new Error(`${name}: expected one entry file, found ${files.join(', ')}`);
  const file = files[0];
  const source = readFileSync(join(dir, file), 'utf8');
  const options: CaseOptions = existsSync(join(dir, 'options.json')) ? JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) : {};
  const ext = extname(file);
  const moduleSystem =
    ext === '.mjs' || ext === '.mts' ? 'esm' : ext === '.cjs' || ext === '.cts' ? 'cjs' : options.packageType === 'module' ? 'esm' : 'cjs';
  const tsconfig: TsconfigFacts | null = options.tsconfig ? tsconfigFor(options.tsconfig) : null;
  const entrypoint = `src/${file}`;
  const app = {
    entrypoint: { path: entrypoint, language: /\.[cm]?ts$/.test(file) ? 'ts' : 'js', moduleSystem, via: 'main', script: null },
  } as NodeApp;
  const specifier = importSpecifier({ entrypoint, moduleFile: nodeModuleFile(app), moduleSystem, tsconfig, source });
  const wire: WireOptions = {
    fileName: entrypoint,
    moduleSystem,
    specifier,
    ...(options.frameworks ? { frameworks: options.frameworks } : {}),
  };
  return { name, file, source, options, wire };
}

const scratch = mkdtempSync(join(tmpdir(), 'cgs-wire-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * TypeScript's syntactic diagnostics, then Node's own parser (`node --check`) on the transpiled
 * JavaScript: TypeScript alone accepts an import inside a block, Node does not.
 */
function syntaxErrors(text: string, fileName: string, moduleSystem: 'esm' | 'cjs'): string[] {
  const isTs = /\.[cm]?tsx?$/.test(fileName);
  const out = ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: moduleSystem === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      allowJs: !isTs,
    },
  });
  const errors = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  const js = join(scratch, `check-${Math.random().toString(36).slice(2)}${moduleSystem === 'esm' ? '.mjs' : '.cjs'}`);
  // A shebang is kept by transpileModule; node --check accepts it.
  writeFileSync(js, out.outputText);
  try {
    execFileSync(process.execPath, ['--check', js], { stdio: 'pipe' });
  } catch (err) {
    errors.push(String((err as { stderr?: Buffer }).stderr ?? err));
  }
  return errors;
}

const cases = readdirSync(FIXTURES).sort().map(loadCase);

describe('wireNodeEntrypoint fixtures', () => {
  it('has at least 20 shapes, three of them refused', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => c.options.refused).length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(syntaxErrors(c.source, c.file, c.wire.moduleSystem), 'the input itself parses').toEqual([]);
    const result = wireNodeEntrypoint(c.source, c.wire);
    const snapshot = `../../snapshots/node-entrypoint/${c.name}/`;

    if (c.options.refused !== undefined) {
      const r = result.refused;
      expect(r, JSON.stringify(result).slice(0, 300)).toBeDefined();
      if (r === undefined) return;
      expect(result.text).toBe(false);
      expect(r.reason).toContain(c.options.refused);
      expect(r.line).toBeGreaterThan(0);
      expect(r.manual?.some((m) => m.includes('setupSignalHandlers'))).toBe(true);
      await expect([`line ${r.line}: ${r.reason}`, '', ...(r.manual ?? []), ''].join('\n')).toMatchFileSnapshot(`${snapshot}refusal.txt`);
      return;
    }

    expect(result.refused, JSON.stringify(result).slice(0, 500)).toBeUndefined();
    expect(result.text).not.toBe(false);
    const text = result.text as string;
    await expect(text).toMatchFileSnapshot(`${snapshot}${c.file}`);
    for (const note of c.options.notes ?? []) expect(result.notes.map((n) => n.message).join('\n')).toContain(note);

    expect(syntaxErrors(text, c.file, c.wire.moduleSystem), 'the output parses').toEqual([]);
    expect(text).toContain(c.wire.specifier);
    expect(text.match(/setupSignalHandlers\(\)/g)?.length, 'setupSignalHandlers() called once').toBe(1);
    expect(text.match(/^\s*register\w+\(/gm)?.length ?? 0, 'registrations').toBe(c.options.registrations);

    // Line endings follow the file; lines not edited are kept byte for byte.
    const crlf = c.source.includes('\r\n');
    expect(/(^|[^\r])\n/.test(text)).toBe(!crlf && text.includes('\n'));
    const removed = diffLines(c.source, text)
      .filter((p) => p.removed)
      .reduce((n, p) => n + (p.count ?? 0), 0);
    expect(removed, 'input lines rewritten or deleted').toBeLessThanOrEqual(c.options.changedLines ?? 0);

    // A second run is a no-op.
    const again = wireNodeEntrypoint(text, c.wire);
    expect(again).toEqual({ text: false, notes: [], data: null });
  });
});
