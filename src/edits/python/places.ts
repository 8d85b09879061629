/**
 * Finding the places the entrypoint edit touches, in the parsed module: the end of the leading
 * import block, the `if __name__ == "__main__":` block, a function's body, the statement that
 * creates the ASGI app, and what the module already imports from signal_handlers.
 */
import type { SyntaxNode } from '@lezer/common';
import { children, isDocstring, statements, text, type ParsedModule } from './parse.js';

/** Top-level statements (comments left out). */
export function topLevel(mod: ParsedModule): SyntaxNode[] {
  return statements(mod.tree.topNode);
}

/**
 * The statement our import goes after: the last import of the leading block (docstring, imports,
 * `from __future__` ones included), else the docstring; null when the module starts with code.
 */
export function importAnchor(mod: ParsedModule): SyntaxNode | null {
  let anchor: SyntaxNode | null = null;
  const stmts = topLevel(mod);
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    if (s.name === 'ImportStatement' || (i === 0 && isDocstring(s))) anchor = s;
    else break;
  }
  return anchor;
}

export function isMainGuard(mod: ParsedModule, node: SyntaxNode): boolean {
  if (node.name !== 'IfStatement') return false;
  const cond = node.firstChild?.nextSibling;
  if (cond?.name !== 'BinaryExpression') return false;
  const t = text(mod, cond).replace(/\s+/g, ' ');
  return /^__name__ ?== ?(['"])__main__\1$/.test(t) || /^(['"])__main__\1 ?== ?__name__$/.test(t);
}

/** The Body of the top-level `if __name__ == "__main__":` (the last one, if several). */
export function mainBlockBody(mod: ParsedModule): SyntaxNode | null {
  const guards = topLevel(mod).filter((s) => isMainGuard(mod, s));
  return guards[guards.length - 1]?.getChild('Body') ?? null;
}

function functionDef(node: SyntaxNode): SyntaxNode | null {
  if (node.name === 'FunctionDefinition') return node;
  if (node.name === 'DecoratedStatement') return node.getChild('FunctionDefinition');
  return null;
}

/** A top-level `def name(...)` / `async def name(...)`, decorated or not. */
export function topLevelFunction(mod: ParsedModule, name: string): SyntaxNode | null {
  for (const s of topLevel(mod)) {
    const fn = functionDef(s);
    if (fn?.getChild('VariableName') && text(mod, fn.getChild('VariableName')!) === name) return fn;
  }
  return null;
}

/** The callee's last name: `FastAPI(...)` and `fastapi.FastAPI(...)` both give 'FastAPI'. */
export function calleeName(mod: ParsedModule, call: SyntaxNode): string | null {
  const callee = call.firstChild;
  if (!callee) return null;
  if (callee.name === 'VariableName') return text(mod, callee);
  if (callee.name === 'MemberExpression') {
    const prop = callee.lastChild;
    return prop?.name === 'PropertyName' ? text(mod, prop) : null;
  }
  return null;
}

/** `name = value` / `name: T = value` with a single plain target: the value node. */
export function assignedValue(mod: ParsedModule, stmt: SyntaxNode, name: string): SyntaxNode | null {
  if (stmt.name !== 'AssignStatement') return null;
  const parts = children(stmt);
  const target = parts[0];
  if (target?.name !== 'VariableName' || text(mod, target) !== name) return null;
  const ops = parts.filter((p) => p.name === 'AssignOp');
  if (ops.length !== 1 || text(mod, ops[0]!) !== '=') return null;
  return ops[0]!.nextSibling;
}

export const ASGI_CLASSES = new Set(['FastAPI', 'Starlette']);

export interface AppCreation {
  /** The FastAPI(...)/Starlette(...) call. */
  call: SyntaxNode;
  /** 'FastAPI' or 'Starlette'. */
  cls: string;
  /** The statement holding the call: an assignment, or a `return` in a factory. */
  statement: SyntaxNode;
  /** The variable the app is bound to in that statement's scope; null for `return FastAPI()`. */
  variable: string | null;
}

/** Where a factory function creates its app: `x = FastAPI(...)` or `return FastAPI(...)` in its body. */
function creationInFunction(mod: ParsedModule, fn: SyntaxNode): AppCreation | null {
  const body = fn.getChild('Body');
  if (!body) return null;
  for (const s of statements(body)) {
    if (s.name === 'AssignStatement') {
      const target = s.firstChild;
      const value = target?.name === 'VariableName' ? assignedValue(mod, s, text(mod, target)) : null;
      if (value?.name === 'CallExpression') {
        const cls = calleeName(mod, value);
        if (cls && ASGI_CLASSES.has(cls)) return { call: value, cls, statement: s, variable: text(mod, target!) };
      }
    }
    if (s.name === 'ReturnStatement') {
      const value = s.lastChild;
      if (value?.name === 'CallExpression') {
        const cls = calleeName(mod, value);
        if (cls && ASGI_CLASSES.has(cls)) return { call: value, cls, statement: s, variable: null };
      }
    }
  }
  return null;
}

export type AppLookup =
  | { found: AppCreation }
  /** Why not, and the node to point at (for the line number in the message). */
  | { missing: string; at: SyntaxNode | null };

/**
 * Where the app named `variable` is created: a top-level `variable = FastAPI(...)`, or a factory
 * in this module (`variable = create_app()`, or `variable` itself being the factory, as with
 * `uvicorn --factory`). Anything else (an imported factory, a conditional) is not followed.
 */
export function findAppCreation(mod: ParsedModule, variable: string): AppLookup {
  let lastAssignment: SyntaxNode | null = null;
  for (const s of topLevel(mod)) {
    const value = assignedValue(mod, s, variable);
    if (!value) continue;
    lastAssignment = s;
    if (value.name !== 'CallExpression') continue;
    const cls = calleeName(mod, value);
    if (cls && ASGI_CLASSES.has(cls)) return { found: { call: value, cls, statement: s, variable } };
    const factory = cls && value.firstChild?.name === 'VariableName' ? topLevelFunction(mod, cls) : null;
    if (factory) {
      const inner = creationInFunction(mod, factory);
      if (inner) return { found: inner };
      return { missing: `${cls}() does not create the app with FastAPI(...) or Starlette(...) in its own body`, at: factory };
    }
  }
  if (lastAssignment) {
    return { missing: `\`${variable}\` is not created by a FastAPI(...) or Starlette(...) call this tool can follow`, at: lastAssignment };
  }
  const factory = topLevelFunction(mod, variable);
  if (factory) {
    const inner = creationInFunction(mod, factory);
    if (inner) return { found: inner };
    return { missing: `${variable}() does not create the app with FastAPI(...) or Starlette(...) in its own body`, at: factory };
  }
  return { missing: `no top-level \`${variable} = FastAPI(...)\` or \`${variable} = Starlette(...)\``, at: null };
}

/** Keyword arguments of a call: name -> [name node, value node]. */
export function keywordArgs(mod: ParsedModule, call: SyntaxNode): Map<string, { name: SyntaxNode; value: SyntaxNode }> {
  const out = new Map<string, { name: SyntaxNode; value: SyntaxNode }>();
  const args = call.getChild('ArgList');
  if (!args) return out;
  for (let c = args.firstChild; c; c = c.nextSibling) {
    if (c.name === 'VariableName' && c.nextSibling?.name === 'AssignOp' && c.nextSibling.nextSibling) {
      out.set(text(mod, c), { name: c, value: c.nextSibling.nextSibling });
    }
  }
  return out;
}

/** Is `module` (as written after `from`) our module? '.signal_handlers', 'signal_handlers', 'pkg.signal_handlers'. */
export function isSignalHandlersModule(module: string): boolean {
  return /(^|\.)signal_handlers$/.test(module);
}

/** Is `name` used as a value (not a keyword-argument name, not inside an import)? */
export function usesName(mod: ParsedModule, name: string): boolean {
  let used = false;
  mod.tree.iterate({
    enter: (ref) => {
      if (used || ref.name === 'ImportStatement') return false;
      if (ref.name === 'VariableName' && mod.source.slice(ref.from, ref.to) === name) {
        const next = ref.node.nextSibling;
        const isKeyword = ref.node.parent?.name === 'ArgList' && next?.name === 'AssignOp';
        if (!isKeyword) used = true;
      }
      return undefined;
    },
  });
  return used;
}

/** A call `name(...)` or `x.name(...)` anywhere in the module. */
export function callsFunction(mod: ParsedModule, name: string): boolean {
  let found = false;
  mod.tree.iterate({
    enter: (ref) => {
      if (found) return false;
      if (ref.name === 'CallExpression') {
        const callee = ref.node.firstChild;
        const last = callee?.name === 'MemberExpression' ? callee.lastChild : callee;
        if (last && (last.name === 'VariableName' || last.name === 'PropertyName') && text(mod, last) === name) found = true;
      }
      return undefined;
    },
  });
  return found;
}
