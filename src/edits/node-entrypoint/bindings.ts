/**
 * Which module a name in the file comes from: `import x from 'm'`, `import { a as b } from 'm'`,
 * `import * as x from 'm'`, `const x = require('m')`, `const { a: b } = require('m')`,
 * `import x = require('m')`. Only top-level bindings; enough to tell a Fastify instance from
 * an Express app without a type checker.
 */
import type { Node as TsNode, SourceFile } from 'ts-morph';
import { loadTsMorph } from '../../core/ts-morph.js';

export interface Binding {
  module: string;
  /** 'default', '*', or the exported name ('WebSocketServer'). */
  imported: string;
  /** The statement that creates the binding. */
  statement: TsNode;
}

export function collectBindings(sf: SourceFile): Map<string, Binding> {
  const { Node } = loadTsMorph();
  const out = new Map<string, Binding>();
  for (const st of sf.getStatements()) {
    if (Node.isImportDeclaration(st)) {
      const module = st.getModuleSpecifierValue();
      const def = st.getDefaultImport();
      if (def) out.set(def.getText(), { module, imported: 'default', statement: st });
      const ns = st.getNamespaceImport();
      if (ns) out.set(ns.getText(), { module, imported: '*', statement: st });
      for (const named of st.getNamedImports()) {
        const local = named.getAliasNode()?.getText() ?? named.getName();
        out.set(local, { module, imported: named.getName(), statement: st });
      }
    } else if (Node.isImportEqualsDeclaration(st)) {
      const ref = st.getModuleReference();
      if (Node.isExternalModuleReference(ref)) {
        const expr = ref.getExpression();
        if (expr && Node.isStringLiteral(expr)) out.set(st.getName(), { module: expr.getLiteralValue(), imported: '*', statement: st });
      }
    } else if (Node.isVariableStatement(st)) {
      for (const decl of st.getDeclarations()) {
        const init = decl.getInitializer();
        if (!init) continue;
        const req = requiredModule(init);
        if (req === null) continue;
        const name = decl.getNameNode();
        if (Node.isIdentifier(name)) {
          out.set(name.getText(), { module: req.module, imported: req.property ?? '*', statement: st });
        } else if (Node.isObjectBindingPattern(name)) {
          for (const el of name.getElements()) {
            const prop = el.getPropertyNameNode()?.getText() ?? el.getName();
            out.set(el.getName(), { module: req.module, imported: prop, statement: st });
          }
        }
      }
    }
  }
  return out;
}

/** `require('m')` or `require('m').prop` → the module (and property). */
export function requiredModule(expr: TsNode): { module: string; property: string | null } | null {
  const { Node } = loadTsMorph();
  let property: string | null = null;
  let e = expr;
  if (Node.isPropertyAccessExpression(e)) {
    property = e.getName();
    e = e.getExpression();
  }
  if (!Node.isCallExpression(e)) return null;
  const callee = e.getExpression();
  const arg = e.getArguments()[0];
  if (!Node.isIdentifier(callee) || callee.getText() !== 'require' || !arg || !Node.isStringLiteral(arg)) return null;
  return { module: arg.getLiteralValue(), property };
}

/** Every module the file imports or requires, with the statement or call where it does. */
export function importedModules(sf: SourceFile): { module: string; node: TsNode }[] {
  const { Node } = loadTsMorph();
  const out: { module: string; node: TsNode }[] = [];
  sf.forEachDescendant((n) => {
    if (Node.isImportDeclaration(n)) out.push({ module: n.getModuleSpecifierValue(), node: n });
    else if (Node.isCallExpression(n)) {
      const callee = n.getExpression();
      const arg = n.getArguments()[0];
      const isRequire = Node.isIdentifier(callee) && callee.getText() === 'require';
      const isDynamicImport = callee.getKind() === loadTsMorph().SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && arg && Node.isStringLiteral(arg)) out.push({ module: arg.getLiteralValue(), node: n });
    } else if (Node.isExternalModuleReference(n)) {
      const expr = n.getExpression();
      if (expr && Node.isStringLiteral(expr)) out.push({ module: expr.getLiteralValue(), node: n });
    }
  });
  return out;
}

/** `node:http` and `http` are the same module. */
export function bareModule(module: string): string {
  return module.startsWith('node:') ? module.slice(5) : module;
}
