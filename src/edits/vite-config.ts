/**
 * Adds the dev-server module's `gracefulShutdown()` Vite plugin to a vite.config: the import (or require)
 * and an element of `plugins`, creating the array when missing. ts-morph only finds positions; the edit
 * splices text, so every byte it does not add stays as it was (formatting, comments, line endings).
 *
 * Understood shapes: `export default defineConfig({...})`, `defineConfig(() => ({...}))` (or a function
 * body returning objects), `export default {...}` (also `satisfies`/`as` and a `const config = {...}`
 * exported by name), and `module.exports = ...` of the same. Anything else is refused with a message.
 */
import type { ArrayLiteralExpression, Node as TsNode, ObjectLiteralExpression, SourceFile } from 'ts-morph';
import { loadTsMorph } from '../core/ts-morph.js';
import { countEditRun } from '../core/edit-runs.js';
import { refused, type EditResult } from '../core/edit-result.js';

export const PLUGIN_FACTORY = 'gracefulShutdown';

export interface ViteConfigEditOptions {
  /** The config's repo-relative path, for messages and to choose the parser (.ts/.mts/.js/.cjs...). */
  file: string;
  /** Import specifier of the generated module, as written in the config: './devserver-shutdown.js'. */
  importPath: string;
  /** How the config loads modules: `import` (ESM) or `require` (CommonJS). */
  moduleSystem: 'esm' | 'cjs';
}

const morph = loadTsMorph;

interface Splice {
  at: number;
  text: string;
}

/**
 * The edit: the config with the plugin wired in, `false` when it already is, refused (with the manual
 * step) when the config is not one this edit can follow.
 */
export function addGracefulShutdownPlugin(source: string, options: ViteConfigEditOptions): EditResult {
  countEditRun('addGracefulShutdownPlugin', source, options);
  let splices: Splice[];
  try {
    splices = planSplices(source, options);
  } catch (err) {
    if (err instanceof Refusal) return refused({ reason: err.message });
    throw err;
  }
  if (splices.length === 0) return { text: false, notes: [] };
  let out = source;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) out = out.slice(0, s.at) + s.text + out.slice(s.at);
  return { text: out, notes: [] };
}

/** Thrown deep in the config's tree, caught at the edit's boundary: no caller sees it. */
class Refusal extends Error {}

function parse(source: string, file: string): SourceFile {
  const { Project } = morph();
  const project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { allowJs: true, noLib: true },
  });
  const base = file.split('/').pop() ?? 'vite.config.ts';
  // ts-morph picks the parser from the extension: .js/.cjs/.mjs parse as JS (JSX allowed there too).
  return project.createSourceFile(`/${base}`, source, { overwrite: true });
}

function planSplices(source: string, options: ViteConfigEditOptions): Splice[] {
  const sf = parse(source, options.file);
  const objects = configObjects(sf, options);
  const style = detectStyle(source, sf);
  const splices: Splice[] = [];

  if (!hasPluginBinding(sf, options)) {
    if (declaresName(sf)) {
      refuse(options, `\`${PLUGIN_FACTORY}\` is already declared in this file but not imported from ${options.importPath}`);
    }
    splices.push(importSplice(sf, options, style));
  }
  for (const obj of objects) splices.push(...pluginSplices(obj, style, options));
  return splices;
}

function refuse(options: ViteConfigEditOptions, why: string): never {
  throw new Refusal(
    `cannot add the graceful-shutdown Vite plugin automatically: ${why}. Add \`${PLUGIN_FACTORY}()\` from '${options.importPath}' to \`plugins\` by hand.`,
  );
}

function declaresName(sf: SourceFile): boolean {
  const { SyntaxKind } = morph();
  return sf.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => id.getText() === PLUGIN_FACTORY && isDeclarationName(id));
}

function isDeclarationName(id: TsNode): boolean {
  const { Node } = morph();
  const parent = id.getParent();
  if (!parent) return false;
  if (Node.isVariableDeclaration(parent) || Node.isFunctionDeclaration(parent) || Node.isImportSpecifier(parent)) {
    return parent.getNameNode() === id;
  }
  return Node.isBindingElement(parent) || Node.isImportClause(parent);
}

/** The import/require of our module is present (any specifier naming the module file). */
function hasPluginBinding(sf: SourceFile, options: ViteConfigEditOptions): boolean {
  const target = moduleStem(options.importPath);
  const { SyntaxKind, Node } = morph();
  for (const imp of sf.getImportDeclarations()) {
    if (moduleStem(imp.getModuleSpecifierValue()) !== target) continue;
    if (imp.getNamedImports().some((n) => (n.getAliasNode()?.getText() ?? n.getName()) === PLUGIN_FACTORY)) return true;
  }
  for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const arg = call.getArguments()[0];
    if (callee.getText() !== 'require' || !arg || !Node.isStringLiteral(arg)) continue;
    if (moduleStem(arg.getLiteralValue()) !== target) continue;
    const decl = call.getParentIfKind(SyntaxKind.VariableDeclaration);
    if (decl?.getNameNode().getText().includes(PLUGIN_FACTORY)) return true;
  }
  return false;
}

/** './devserver-shutdown.js' and './devserver-shutdown' name the same module. */
function moduleStem(spec: string): string {
  return spec.replace(/\.(?:[cm]?[jt]s)$/, '');
}

/** The object literal(s) the config resolves to. */
function configObjects(sf: SourceFile, options: ViteConfigEditOptions): ObjectLiteralExpression[] {
  const { Node, SyntaxKind } = morph();
  let exported: TsNode | undefined;
  for (const st of sf.getStatements()) {
    if (Node.isExportAssignment(st) && !st.isExportEquals()) exported = st.getExpression();
    if (Node.isExpressionStatement(st)) {
      const expr = st.getExpression();
      if (
        Node.isBinaryExpression(expr) &&
        expr.getOperatorToken().getKind() === SyntaxKind.EqualsToken &&
        expr.getLeft().getText().replace(/\s/g, '') === 'module.exports'
      ) {
        exported = expr.getRight();
      }
    }
  }
  if (!exported) refuse(options, 'no `export default` or `module.exports =` found');
  const objects = resolveObjects(sf, exported, options, 0);
  if (objects.length === 0) refuse(options, 'the exported config is not an object literal this tool can follow');
  return objects;
}

function resolveObjects(sf: SourceFile, node: TsNode, options: ViteConfigEditOptions, depth: number): ObjectLiteralExpression[] {
  const { Node, SyntaxKind } = morph();
  if (depth > 5) return [];
  if (Node.isObjectLiteralExpression(node)) return [node];
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node)) {
    return resolveObjects(sf, node.getExpression(), options, depth + 1);
  }
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression().getText();
    const arg = node.getArguments()[0];
    if (callee !== 'defineConfig' || !arg || node.getArguments().length !== 1) {
      refuse(options, `the config is built by \`${callee}(...)\`, which this tool does not follow`);
    }
    return resolveObjects(sf, arg, options, depth + 1);
  }
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) {
    const body = node.getBody();
    if (!Node.isBlock(body)) return resolveObjects(sf, body, options, depth + 1);
    const returns = body
      .getDescendantsOfKind(SyntaxKind.ReturnStatement)
      .filter((r) => r.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a)) === node);
    const found: ObjectLiteralExpression[] = [];
    for (const r of returns) {
      const expr = r.getExpression();
      const objs = expr ? resolveObjects(sf, expr, options, depth + 1) : [];
      if (objs.length === 0) refuse(options, 'a `return` in the config function does not return an object literal');
      found.push(...objs);
    }
    return found;
  }
  if (Node.isIdentifier(node)) {
    const decl = sf.getVariableDeclaration(node.getText());
    const init = decl?.getInitializer();
    if (!init) refuse(options, `\`${node.getText()}\` is not a variable declared in this file`);
    return resolveObjects(sf, init, options, depth + 1);
  }
  return [];
}

interface Style {
  quote: "'" | '"';
  semi: boolean;
  eol: string;
}

function detectStyle(source: string, sf: SourceFile): Style {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const firstString = sf.getImportDeclarations()[0]?.getModuleSpecifier().getText() ?? /(['"])[^'"\n]*\1/.exec(source)?.[0];
  const quote = firstString?.startsWith('"') ? '"' : "'";
  const statements = sf.getStatements();
  const semi = statements.length === 0 ? true : statements.some((s) => s.getText().trimEnd().endsWith(';'));
  return { quote, semi, eol };
}

function importSplice(sf: SourceFile, options: ViteConfigEditOptions, style: Style): Splice {
  const { Node } = morph();
  const spec = `${style.quote}${options.importPath}${style.quote}`;
  const line =
    options.moduleSystem === 'esm'
      ? `import { ${PLUGIN_FACTORY} } from ${spec}${style.semi ? ';' : ''}`
      : `const { ${PLUGIN_FACTORY} } = require(${spec})${style.semi ? ';' : ''}`;
  const statements = sf.getStatements();
  const isLoad = (s: TsNode): boolean => Node.isImportDeclaration(s) || (Node.isVariableStatement(s) && /\brequire\s*\(/.test(s.getText()));
  const lastLoad = [...statements].reverse().find(isLoad);
  if (lastLoad) return { at: lastLoad.getEnd(), text: `${style.eol}${line}` };
  const first = statements[0];
  // Before the first statement, after any header comment (and 'use strict' stays first in CommonJS).
  if (first && Node.isExpressionStatement(first) && /^['"]use strict['"]/.test(first.getText())) {
    return { at: first.getEnd(), text: `${style.eol}${line}` };
  }
  const at = first ? first.getStart() : 0;
  return { at, text: `${line}${style.eol}${first ? style.eol : ''}` };
}

const CALL = `${PLUGIN_FACTORY}()`;

/**
 * Add the call to `plugins` of one config object; nothing when it is already there. A shorthand
 * `plugins` or a non-array value becomes `[<value>, gracefulShutdown()]`: Vite flattens nested plugin
 * arrays, so whatever the expression held still loads.
 */
function pluginSplices(obj: ObjectLiteralExpression, style: Style, options: ViteConfigEditOptions): Splice[] {
  const { Node } = morph();
  const prop = obj.getProperty('plugins');
  if (!prop) {
    // A spread may carry plugins of its own; a new property before or after it would drop one list or the other.
    if (obj.getProperties().some((p) => Node.isSpreadAssignment(p))) {
      refuse(options, 'the config object spreads another object and has no `plugins` of its own');
    }
    return [insertProperty(obj, `plugins: [${CALL}]`, style)];
  }
  if (Node.isShorthandPropertyAssignment(prop)) {
    return [
      { at: prop.getStart(), text: 'plugins: [' },
      { at: prop.getEnd(), text: `, ${CALL}]` },
    ];
  }
  if (!Node.isPropertyAssignment(prop)) return [];
  const init = prop.getInitializer();
  if (!init) return [];
  if (!Node.isArrayLiteralExpression(init)) {
    if (init.getText().includes(CALL)) return [];
    return [
      { at: init.getStart(), text: '[' },
      { at: init.getEnd(), text: `, ${CALL}]` },
    ];
  }
  return [arrayElementSplice(init, style)].filter((s): s is Splice => s !== null);
}

function arrayElementSplice(init: ArrayLiteralExpression, style: Style): Splice | null {
  const elements = init.getElements();
  if (elements.some((e) => e.getText().replace(/\s/g, '') === CALL)) return null;
  const last = elements[elements.length - 1];
  if (!last) return { at: init.getStart() + 1, text: CALL };
  const text = init.getSourceFile().getFullText();
  const afterLast = text.slice(last.getEnd(), init.getEnd() - 1);
  const trailingComma = /^\s*,/.test(afterLast);
  const multiline = /\n/.test(afterLast);
  if (!multiline) return { at: last.getEnd(), text: `, ${CALL}` };
  const indent = indentOf(text, last.getStart());
  if (trailingComma) {
    const commaAt = last.getEnd() + afterLast.indexOf(',') + 1;
    return { at: commaAt, text: `${style.eol}${indent}${CALL},` };
  }
  return { at: last.getEnd(), text: `,${style.eol}${indent}${CALL}` };
}

function insertProperty(obj: ObjectLiteralExpression, property: string, style: Style): Splice {
  const text = obj.getSourceFile().getFullText();
  const open = obj.getStart() + 1;
  const first = obj.getProperties()[0];
  if (!first) {
    const inner = text.slice(open, obj.getEnd() - 1);
    if (/\n/.test(inner)) {
      const indent = indentOf(text, obj.getStart()) + '  ';
      return { at: open, text: `${style.eol}${indent}${property},` };
    }
    return { at: open, text: ` ${property} ` };
  }
  const between = text.slice(open, first.getStart());
  if (/\n/.test(between)) {
    const indent = indentOf(text, first.getStart());
    return { at: open, text: `${style.eol}${indent}${property},` };
  }
  return { at: first.getStart(), text: `${property}, ` };
}

/** Leading whitespace of the line holding `pos`. */
function indentOf(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}
