/**
 * The waits of a job loop, for its rewrite. A loop that checks `keep_running()` only between jobs
 * stops no sooner than its longest wait: `while True: work(); time.sleep(3600)` rewritten alone
 * took 8 s (the budget) to stop, where it had died in 7 ms. So the loop is rewritten only when every
 * wait it can reach ends at once on shutdown, or is short:
 * - `time.sleep(n)` / `await asyncio.sleep(n)` statements in the loop's own body (nested blocks and
 *   inner loops included) become `interruptible_sleep(n)` / `await interruptible_sleep_async(n)`;
 * - a sleep in a function of this module the loop calls is part of the job: allowed when its length
 *   is a number (literal or module constant) within half the budget, a blocker otherwise;
 * - a sleep in any other form (passed as a value, `x = time.sleep(1)`), and calls known to wait
 *   without a limit (`input()`, `signal.pause()`, `q.get()`, `ev.wait()`, `t.join()`, `s.accept()`,
 *   `s.recv(...)`), are blockers.
 * Blockers come back with their line and the change to make, for the plan.
 */
import type { SyntaxNode } from '@lezer/common';
import { children, lineEnd, lineStart, position, text, type ParsedModule } from './parse.js';
import { topLevel, topLevelFunction } from './places.js';

export interface WaitRewrite {
  /** The callee to replace (`time.sleep`, `sleep`, `asyncio.sleep`). */
  callee: SyntaxNode;
  replacement: 'interruptible_sleep' | 'interruptible_sleep_async';
}

export interface WaitBlocker {
  line: number;
  message: string;
}

export interface LoopWaits {
  rewrites: WaitRewrite[];
  blockers: WaitBlocker[];
  /** Import edits that drop `time` / `sleep` when the rewrite leaves them unused: [from, to, text]. */
  importEdits: [number, number, string][];
}

interface ImportedName {
  /** Local name. */
  local: string;
  /** 'time' or 'asyncio' (the module), or 'time.sleep' / 'asyncio.sleep' (the function). */
  binds: string;
  statement: SyntaxNode;
  /** The item's nodes in the statement (name, `as`, alias). */
  nodes: SyntaxNode[];
}

const SCOPES = new Set(['FunctionDefinition', 'ClassDefinition', 'LambdaExpression', 'DecoratedStatement']);

/** `import time`, `import time as t`, `from time import sleep [as s]`, the same for asyncio: top-level only. */
function sleepImports(mod: ParsedModule): ImportedName[] {
  const out: ImportedName[] = [];
  for (const stmt of topLevel(mod)) {
    if (stmt.name !== 'ImportStatement') continue;
    const kids = children(stmt);
    if (kids[0]?.name === 'import') {
      // import a, b as c: items are VariableName (. VariableName)* (as VariableName)?
      let i = 1;
      while (i < kids.length) {
        const start = i;
        let dotted = '';
        while (i < kids.length && kids[i]!.name !== ',' && kids[i]!.name !== 'as') dotted += text(mod, kids[i++]!);
        let local = dotted;
        if (kids[i]?.name === 'as') {
          local = text(mod, kids[i + 1]!);
          i += 2;
        }
        if ((dotted === 'time' || dotted === 'asyncio') && !local.includes('.')) {
          out.push({ local, binds: dotted, statement: stmt, nodes: kids.slice(start, i) });
        }
        i++; // the comma
      }
    } else if (kids[0]?.name === 'from') {
      const module = kids[1] && kids[1].name === 'VariableName' && kids[2]?.name === 'import' ? text(mod, kids[1]) : null;
      if (module !== 'time' && module !== 'asyncio') continue;
      for (let i = 3; i < kids.length; i++) {
        const k = kids[i]!;
        if (k.name !== 'VariableName') continue;
        const name = text(mod, k);
        const alias = kids[i + 1]?.name === 'as' ? kids[i + 2] : undefined;
        if (name === 'sleep') out.push({ local: alias ? text(mod, alias) : name, binds: `${module}.sleep`, statement: stmt, nodes: alias ? [k, kids[i + 1]!, alias] : [k] });
        if (alias) i += 2;
      }
    }
  }
  return out;
}

/** 'time.sleep' / 'asyncio.sleep' when `node` (a callee or a reference) names one of them. */
function sleepNamed(mod: ParsedModule, node: SyntaxNode, imports: ImportedName[]): string | null {
  if (node.name === 'VariableName') {
    const hit = imports.find((i) => i.local === text(mod, node) && i.binds.endsWith('.sleep'));
    return hit ? hit.binds : null;
  }
  if (node.name === 'MemberExpression') {
    const object = node.firstChild;
    const property = node.lastChild;
    if (object?.name !== 'VariableName' || property?.name !== 'PropertyName' || text(mod, property) !== 'sleep') return null;
    const hit = imports.find((i) => i.local === text(mod, object) && (i.binds === 'time' || i.binds === 'asyncio'));
    return hit ? `${hit.binds}.sleep` : null;
  }
  return null;
}

function args(call: SyntaxNode): SyntaxNode[] {
  const list = call.getChild('ArgList');
  return list ? children(list).filter((c) => !['(', ')', ','].includes(c.name)) : [];
}

/** Seconds a sleep's argument stands for, when it is a number or a module-level constant assigned one. */
function constantSeconds(mod: ParsedModule, arg: SyntaxNode | undefined): number | null {
  if (!arg) return null;
  if (arg.name === 'Number') {
    const value = Number(text(mod, arg).replace(/_/g, ''));
    return Number.isFinite(value) ? value : null;
  }
  if (arg.name !== 'VariableName') return null;
  const name = text(mod, arg);
  const assigned = topLevel(mod).filter((s) => s.name === 'AssignStatement' && s.firstChild?.name === 'VariableName' && text(mod, s.firstChild) === name);
  if (assigned.length !== 1) return null;
  const value = assigned[0]!.lastChild;
  return value?.name === 'Number' && value.prevSibling?.name === 'AssignOp' ? constantSeconds(mod, value) : null;
}

/** A call known to wait without a limit, described for the message; null otherwise. */
function unboundedWait(mod: ParsedModule, call: SyntaxNode): string | null {
  const callee = call.firstChild;
  if (!callee) return null;
  const name = text(mod, callee).replace(/\s+/g, '');
  const n = args(call).length;
  if (name === 'input') return '`input()` waits for a line of input';
  if (name === 'signal.pause') return '`signal.pause()` waits for any signal';
  if (callee.name === 'MemberExpression') {
    const method = callee.lastChild ? text(mod, callee.lastChild) : '';
    if (n === 0 && ['get', 'wait', 'join', 'accept'].includes(method)) return `\`${name}()\` waits without a timeout`;
    if (['recv', 'recvfrom', 'recv_into'].includes(method)) return `\`${name}(...)\` waits for data without a timeout`;
  }
  return null;
}

/** Top-level functions the node calls by name (directly), not looking into nested scopes. */
function calledTopLevel(mod: ParsedModule, node: SyntaxNode, into: SyntaxNode[]): void {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (SCOPES.has(c.name)) continue;
    if (c.name === 'CallExpression' && c.firstChild?.name === 'VariableName') {
      const fn = topLevelFunction(mod, text(mod, c.firstChild));
      if (fn && !into.some((f) => f.from === fn.from)) into.push(fn);
    }
    calledTopLevel(mod, c, into);
  }
}

/** The waits reachable from `loop` (see the file comment). */
export function loopWaits(mod: ParsedModule, loop: SyntaxNode, budgetSeconds: number, replaceSleep: { sync: string; async: string }): LoopWaits {
  const imports = sleepImports(mod);
  const rewrites: WaitRewrite[] = [];
  const blockers: WaitBlocker[] = [];
  const lineOf = (n: SyntaxNode): number => position(mod.source, n.from).line;
  const bound = budgetSeconds / 2;

  const visit = (node: SyntaxNode, where: { fn: string | null }): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (SCOPES.has(c.name)) continue;
      if (c.name === 'CallExpression') {
        const callee = c.firstChild!;
        const sleep = sleepNamed(mod, callee, imports);
        const awaited = c.parent?.name === 'AwaitExpression';
        const expression = awaited ? c.parent! : c;
        const statement = expression.parent;
        // Nodes are not identity-stable: compare ranges.
        const isStatement = statement?.name === 'ExpressionStatement' && statement.from === expression.from && statement.to === expression.to;
        if (sleep) {
          const code = text(mod, c).replace(/\s+/g, ' ');
          const oneArg = args(c).length === 1 && args(c)[0]!.name !== 'KeywordArgument' ? args(c)[0] : undefined;
          const sync = sleep === 'time.sleep';
          if (where.fn !== null) {
            const seconds = constantSeconds(mod, oneArg);
            if (seconds === null || seconds > bound) {
              blockers.push({
                line: lineOf(c),
                message: `line ${lineOf(c)}: \`${code}\` in ${where.fn}() ${seconds === null ? 'waits for a time not known here' : `waits ${seconds} s`}, which a shutdown does not cut short; ` +
                  `if it is the wait between jobs, make it \`${awaited ? 'await ' : ''}${sync ? replaceSleep.sync : replaceSleep.async}(${oneArg ? text(mod, oneArg) : '...'})\``,
              });
            }
          } else if (isStatement && oneArg && (sync ? !awaited : awaited)) {
            rewrites.push({ callee, replacement: sync ? 'interruptible_sleep' : 'interruptible_sleep_async' });
          } else {
            blockers.push({
              line: lineOf(c),
              message: `line ${lineOf(c)}: \`${code}\` is not a plain \`${sync ? '' : 'await '}${sleep}(seconds)\` statement, so it cannot be made to end on shutdown here; ` +
                `use \`${sync ? '' : 'await '}${sync ? replaceSleep.sync : replaceSleep.async}(seconds)\` for the wait between jobs`,
            });
          }
        } else {
          const unbounded = unboundedWait(mod, c);
          if (unbounded) {
            blockers.push({ line: lineOf(c), message: `line ${lineOf(c)}: ${unbounded}${where.fn ? ` (in ${where.fn}())` : ''}, which a shutdown does not end; give it a timeout of a second or two` });
          }
        }
        // Arguments may hold more calls.
        visit(c, where);
        continue;
      }
      if ((c.name === 'MemberExpression' || c.name === 'VariableName') && c.parent?.name !== 'CallExpression') {
        const sleep = sleepNamed(mod, c, imports);
        if (sleep) {
          blockers.push({ line: lineOf(c), message: `line ${lineOf(c)}: \`${sleep}\` is passed as a value here, so its wait cannot be made to end on shutdown; call \`${sleep === 'time.sleep' ? replaceSleep.sync : replaceSleep.async}\` instead` });
          continue;
        }
      }
      visit(c, where);
    }
  };

  const body = loop.getChild('Body');
  if (body) visit(body, { fn: null });
  // Functions of this module the loop calls, and the ones they call: their sleeps are part of the job.
  const functions: SyntaxNode[] = [];
  if (body) calledTopLevel(mod, body, functions);
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i]!;
    if (fn.from <= loop.from && fn.to >= loop.to) continue; // the function that holds the loop
    const fnBody = fn.getChild('Body');
    const name = fn.getChild('VariableName');
    if (!fnBody) continue;
    visit(fnBody, { fn: name ? text(mod, name) : 'a function' });
    calledTopLevel(mod, fnBody, functions);
  }
  return { rewrites, blockers: dedupe(blockers), importEdits: blockers.length ? [] : unusedImportEdits(mod, imports, rewrites) };
}

function dedupe(blockers: WaitBlocker[]): WaitBlocker[] {
  return blockers.filter((b, i) => blockers.findIndex((o) => o.message === b.message) === i).sort((a, b) => a.line - b.line);
}

/** References to `name` outside import statements and outside the nodes in `skip`. */
function otherUses(mod: ParsedModule, name: string, skip: SyntaxNode[]): number {
  let count = 0;
  mod.tree.iterate({
    enter: (ref) => {
      if (ref.name === 'ImportStatement') return false;
      if (skip.some((s) => ref.from >= s.from && ref.to <= s.to)) return false;
      if (ref.name === 'VariableName' && mod.source.slice(ref.from, ref.to) === name) count++;
      return undefined;
    },
  });
  return count;
}

/**
 * Drop `time` / `sleep` from its import when the rewrite leaves it unused (an unused import fails
 * flake8, ruff and pyright --strict). The whole statement goes when it imports nothing else.
 */
function unusedImportEdits(mod: ParsedModule, imports: ImportedName[], rewrites: WaitRewrite[]): [number, number, string][] {
  const edits: [number, number, string][] = [];
  const callees = rewrites.map((r) => r.callee);
  const unused = imports.filter((i) => otherUses(mod, i.local, callees) === 0 && rewrites.some((r) => {
    const t = text(mod, r.callee);
    return t === i.local || t.replace(/\s+/g, '').startsWith(`${i.local}.`);
  }));
  const byStatement = new Map<SyntaxNode, ImportedName[]>();
  for (const u of unused) {
    const key = [...byStatement.keys()].find((k) => k.from === u.statement.from) ?? u.statement;
    byStatement.set(key, [...(byStatement.get(key) ?? []), u]);
  }
  for (const [stmt, items] of byStatement) {
    const kids = children(stmt);
    const names = kids.filter((k) => k.name === 'VariableName');
    const isFrom = kids[0]?.name === 'from';
    const itemCount = isFrom ? names.length - 1 - kids.filter((k) => k.name === 'as').length : names.length - kids.filter((k) => k.name === 'as').length;
    if (items.length >= itemCount) {
      // The whole line (a `;` or a trailing comment on it would be lost: leave those alone).
      const start = lineStart(mod.source, stmt.from);
      const end = lineEnd(mod.source, stmt.to);
      const rest = mod.source.slice(stmt.to, end).trim();
      if (start === stmt.from && rest === '') edits.push([start, end, '']);
      continue;
    }
    for (const item of items) {
      const first = item.nodes[0]!;
      const last = item.nodes[item.nodes.length - 1]!;
      const after = last.nextSibling;
      const before = first.prevSibling;
      if (after?.name === ',') edits.push([first.from, after.to + (/^[ \t]/.test(mod.source.slice(after.to)) ? 1 : 0), '']);
      else if (before?.name === ',') edits.push([before.from, last.to, '']);
    }
  }
  return edits;
}
