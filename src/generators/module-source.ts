/**
 * Turns the runtime sources (src/runtime/*.ts, real TypeScript compiled and tested in this repo) into the
 * one file a user gets: the relative imports are inlined (./drain.ts into both modules), the answers'
 * stand-in is replaced by a rendered handlebars header, and the other flavours are derived mechanically:
 * CommonJS export forms by rewriting the one `export { ... }` list, JavaScript by TypeScript's own transpile.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';
import { readToolFile, readToolFileIfPresent, writeToolFile } from '../core/tool-files.js';

/** The runtime sources: src/runtime from src/ (tests), dist/runtime from dist/ (the build copies them there). */
export const RUNTIME_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'runtime');

/**
 * - `ts`: ES module syntax; also what a CommonJS TypeScript package gets when tsc compiles it to require/exports.
 * - `ts-export-assign`: `export = { ... }`, for CommonJS under verbatimModuleSyntax (imported with `import x = require()`).
 * - `ts-require`: `module.exports = { ... }` and type-only imports: CommonJS under erasableSyntaxOnly or run by
 *   Node's type stripping (required with `const x = require()`).
 * - `js-esm`, `js-cjs`: JavaScript, from `ts` and `ts-require`.
 */
export type ModuleFlavour = 'ts' | 'ts-export-assign' | 'ts-require' | 'js-esm' | 'js-cjs';
export const MODULE_FLAVOURS: readonly ModuleFlavour[] = ['ts', 'ts-export-assign', 'ts-require', 'js-esm', 'js-cjs'];

/** How a file loads a module of that flavour (said in the generated file's header). */
export const FLAVOUR_IMPORTS: Record<ModuleFlavour, string> = {
  ts: "import { setupSignalHandlers, registerHttpServer } from './shutdown.js'",
  'ts-export-assign': "import shutdown = require('./shutdown.js') (CommonJS with verbatimModuleSyntax: no ES import syntax)",
  'ts-require': "const { setupSignalHandlers, registerHttpServer } = require('./shutdown.cjs') (erasable syntax only)",
  'js-esm': "import { setupSignalHandlers, registerHttpServer } from './shutdown.js'",
  'js-cjs': "const { setupSignalHandlers, registerHttpServer } = require('./shutdown.js')",
};

/** How a flavour is named in the generated file's first line. */
export const FLAVOUR_NAMES: Record<ModuleFlavour, string> = {
  ts: 'TypeScript, ES module syntax',
  'ts-export-assign': 'TypeScript, CommonJS `export =`',
  'ts-require': 'TypeScript, CommonJS `module.exports`',
  'js-esm': 'JavaScript, ES module',
  'js-cjs': 'JavaScript, CommonJS',
};

/** Lines between these markers describe a runtime source to this repo's readers; users do not get them. */
const SOURCE_ONLY = /^\/\/ <source-only>\n[\s\S]*?^\/\/ <\/source-only>\n/m;
/** Stands in for a blank line while TypeScript's emitter (which drops blank lines) transpiles. */
const BLANK = '//@@blank@@';

let tsModule: typeof TypeScript | null = null;

/** TypeScript, as ts-morph ships it (a dependency already); loaded only when a module is rendered. */
function typescript(): typeof TypeScript {
  tsModule ??= (createRequire(import.meta.url)('ts-morph') as { ts: typeof TypeScript }).ts;
  return tsModule;
}

function parse(text: string, fileName = 'module.ts'): TypeScript.SourceFile {
  const ts = typescript();
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function specifierOf(statement: TypeScript.Statement): string | null {
  const ts = typescript();
  if (
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
    statement.moduleSpecifier &&
    ts.isStringLiteral(statement.moduleSpecifier)
  ) {
    return statement.moduleSpecifier.text;
  }
  return null;
}

interface Bundle {
  /** `import type` lines of built-ins, merged per module. */
  imports: Map<string, Set<string>>;
  body: string[];
  inlined: Set<string>;
}

/**
 * The entry file with its relative imports inlined (each once). `replacements` maps a specifier (such as
 * './shutdown-answers.js') to the text put in its place instead of the file. Declarations of an inlined
 * file lose their `export`, unless the entry re-exports them (`export type { X } from './drain.js'`).
 */
export function bundleRuntime(entry: string, replacements: Record<string, string>): { imports: string; body: string } {
  const bundle: Bundle = { imports: new Map(), body: [], inlined: new Set() };
  addFile(bundle, entry, replacements, null);
  const imports = [...bundle.imports].map(([spec, names]) => `import type { ${[...names].join(', ')} } from '${spec}';`).join('\n');
  return {
    imports,
    body: bundle.body
      .join('')
      .replace(/^\n+/, '')
      .replace(/\n{3,}/g, '\n\n'),
  };
}

function addFile(bundle: Bundle, file: string, replacements: Record<string, string>, keepExported: Set<string> | null): void {
  const ts = typescript();
  const text = readToolFile(join(RUNTIME_DIR, file)).replace(SOURCE_ONLY, '');
  const source = parse(text, file);
  const reexported = new Map<string, Set<string>>();
  for (const st of source.statements) {
    const spec = specifierOf(st);
    if (spec && ts.isExportDeclaration(st) && spec.startsWith('./') && st.exportClause && ts.isNamedExports(st.exportClause)) {
      const names = reexported.get(spec) ?? new Set<string>();
      for (const el of st.exportClause.elements) names.add(el.name.text);
      reexported.set(spec, names);
    }
  }
  for (const st of source.statements) {
    const spec = specifierOf(st);
    if (spec && ts.isImportDeclaration(st)) {
      if (!spec.startsWith('.')) {
        // Bare names ('http', not 'node:http'): @types/node 14 declares no node: modules.
        if (!st.importClause?.isTypeOnly) throw new Error(`${file}: only type imports of built-ins are allowed (${spec})`);
        const names = bundle.imports.get(spec) ?? new Set<string>();
        const bindings = st.importClause.namedBindings;
        if (!bindings || !ts.isNamedImports(bindings)) throw new Error(`${file}: use named type imports (${spec})`);
        for (const el of bindings.elements) names.add(el.getText(source));
        bundle.imports.set(spec, names);
      } else if (spec in replacements) {
        bundle.body.push(`\n${replacements[spec]!.trimEnd()}\n`);
      } else {
        const target = spec.replace(/\.js$/, '.ts').replace(/^\.\//, '');
        if (!bundle.inlined.has(target)) {
          bundle.inlined.add(target);
          addFile(bundle, target, replacements, reexported.get(spec) ?? new Set());
        }
      }
      continue;
    }
    if (spec && ts.isExportDeclaration(st)) continue; // re-exports of inlined files: handled by keepExported
    let chunk = text.slice(st.getFullStart(), st.getEnd());
    if (keepExported) {
      const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const name = (st as { name?: TypeScript.Identifier }).name?.text;
      if (exported && !(name && keepExported.has(name))) {
        const at = st.getStart(source) - st.getFullStart();
        chunk = chunk.slice(0, at) + chunk.slice(at).replace(/^export /, '');
      }
    }
    bundle.body.push(chunk);
  }
  bundle.body.push('\n');
}

/** The `export { a, b }` list ending a runtime source. */
function exportList(source: TypeScript.SourceFile): TypeScript.ExportDeclaration {
  const ts = typescript();
  const list = source.statements.filter(
    (st): st is TypeScript.ExportDeclaration => ts.isExportDeclaration(st) && !st.moduleSpecifier && !st.isTypeOnly,
  );
  if (list.length !== 1) throw new Error('a runtime source ends with exactly one `export { ... }` list');
  return list[0]!;
}

/** Rewrites the export list as `export = {...}` (dropping other exports) or `module.exports = {...}`. */
function commonJsForm(text: string, form: 'export-assign' | 'require'): string {
  const ts = typescript();
  const source = parse(text);
  const list = exportList(source);
  const names = (list.exportClause as TypeScript.NamedExports).elements.map((e) => `  ${e.name.text},`).join('\n');
  const edits: { start: number; end: number; text: string }[] = [
    { start: list.getStart(source), end: list.getEnd(), text: `${form === 'require' ? 'module.exports =' : 'export ='} {\n${names}\n};` },
  ];
  if (form === 'export-assign') {
    // An `export =` module exports nothing else, types included.
    for (const st of source.statements) {
      const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
      const exp = mods?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (exp) edits.push({ start: exp.getStart(source), end: exp.getEnd() + 1, text: '' });
    }
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** TypeScript to JavaScript with TypeScript's own transpile, keeping comments and blank lines. */
function toJavaScript(text: string): string {
  const ts = typescript();
  const marked = text.replace(/^[ \t]*$/gm, BLANK);
  const { outputText } = ts.transpileModule(marked, {
    fileName: 'module.ts',
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: false, verbatimModuleSyntax: false },
  });
  return (
    outputText
      .split('\n')
      .filter((line, i, lines) => !(line.trim() === BLANK && i > 0 && lines[i - 1]!.trim() === BLANK))
      .map((line) => (line.trim() === BLANK ? '' : line.replace(` ${BLANK}`, '').replace(BLANK, '')))
      .map((line) => line.replace(/^( {4})+/, (indent) => ' '.repeat(indent.length / 2))) // the emitter indents by 4
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .replace(/^export \{\};\n?/m, '') // added by the emitter to a module that exports nothing
      .replace(
        /^export \{ (.*), \};$/m,
        (_all, names: string) =>
          `export {\n${names
            .split(', ')
            .map((n) => `  ${n},`)
            .join('\n')}\n};`,
      )
      .trimEnd() + '\n'
  );
}

export interface RenderedParts {
  /** The rendered header: a doc comment, then the answers' constants (plain `const X = value;` lines). */
  header: string;
  entry: string;
  /** Specifier of the answers' stand-in in the entry. */
  answers: string;
}

/** Where the answers' constants go in a compiled flavour (a statement, so that transpiling keeps it). */
const ANSWERS_MARKER = 'const __cgs_answers__ = 0;';

/** The runtime entries the generators render, with the specifier of their answers' stand-in. */
export const RUNTIME_ENTRIES: Record<string, string> = { 'shutdown.ts': './shutdown-answers.js', 'devserver.ts': './devserver-answers.js' };

/**
 * A flavour with ANSWERS_MARKER in place of the answers. `npm run build` writes these next to the copied
 * sources (dist/runtime/flavours), so that rendering needs no TypeScript; from src/ they are compiled here.
 */
export function compileFlavour(entry: string, answers: string, flavour: ModuleFlavour): string {
  const { imports, body } = bundleRuntime(entry, { [answers]: ANSWERS_MARKER });
  const js = flavour === 'js-esm' || flavour === 'js-cjs';
  // TS 6 defaults to `types: []`: without this line the Node globals would not be known.
  const lead = `/// <reference types="node" />\n${js ? '// @ts-nocheck: the types are in the TypeScript source this file was derived from.\n' : ''}`;
  const ts = `${imports}\n\n${body}`.trimEnd() + '\n';
  switch (flavour) {
    case 'ts':
      return `${lead}${ts}`;
    case 'ts-export-assign':
      return `${lead}${commonJsForm(ts, 'export-assign')}`;
    case 'ts-require':
      return `${lead}${commonJsForm(ts, 'require')}`;
    case 'js-esm':
      return `${lead}${toJavaScript(ts)}`;
    case 'js-cjs':
      return `${lead}'use strict';\n\n${toJavaScript(commonJsForm(ts, 'require'))}`;
  }
}

export function flavourFile(entry: string, flavour: ModuleFlavour): string {
  return join(RUNTIME_DIR, 'flavours', `${entry}.${flavour}.txt`);
}

/** Writes every entry's compiled flavours (the build's step). */
export function writeFlavours(): void {
  for (const [entry, answers] of Object.entries(RUNTIME_ENTRIES)) {
    for (const flavour of MODULE_FLAVOURS) writeToolFile(flavourFile(entry, flavour), compileFlavour(entry, answers, flavour));
  }
}

const compiled = new Map<string, string>();

function flavourText(entry: string, answers: string, flavour: ModuleFlavour): string {
  const key = `${entry} ${flavour}`;
  let text = compiled.get(key);
  if (text === undefined) {
    const file = flavourFile(entry, flavour);
    text = readToolFileIfPresent(file) ?? compileFlavour(entry, answers, flavour);
    compiled.set(key, text);
  }
  return text;
}

/** The module's text in one flavour. */
export function buildModule(parts: RenderedParts, flavour: ModuleFlavour): string {
  const split = parts.header.indexOf('*/\n');
  if (split < 0) throw new Error('a module header starts with a doc comment');
  const doc = parts.header.slice(0, split + 3);
  const constants = parts.header.slice(split + 3).trim();
  const text = flavourText(parts.entry, parts.answers, flavour);
  if (!text.includes(ANSWERS_MARKER)) throw new Error(`${parts.entry}: no place for the answers`);
  return `${doc}${text.replace(ANSWERS_MARKER, constants)}`;
}
