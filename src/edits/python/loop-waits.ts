/**
 * The waits of a job loop, for its rewrite. A loop that checks `keep_running()` only between jobs
 * stops no sooner than its longest wait: `while True: work(); time.sleep(3600)` rewritten alone
 * took 8 s (the budget) to stop, where it had died in 7 ms. So the loop is rewritten only when every
 * wait it can reach ends at once on shutdown, or is short:
 * - `time.sleep(n)` / `await asyncio.sleep(n)` statements in the loop's own body (nested blocks and
 *   inner loops included) become `interruptible_sleep(n)` / `await interruptible_sleep_async(n)`;
 *   one directly in the body with more of the round after it (`while True: time.sleep(60); poll()`)
 *   is followed by `if not keep_running(): break`, so that the cut-short wait starts no new round;
 * - a sleep in a function of this module the loop calls (followed through the functions those
 *   call) is part of the job: allowed when its length is a number (literal or module constant)
 *   within half the budget;
 * - a longer (or unknown) sleep there is the wait between rounds, made interruptible too, only when
 *   that is certain: it is the last thing its function does (a bare `return` or nothing after it),
 *   and the function is called only as the last statement of the round (of the loop's body, or of
 *   another function called that way), never used as a value, defined once, undecorated, and of the
 *   loop's kind (a sync function with `time.sleep` under a sync loop, an async one with
 *   `await asyncio.sleep` under an async loop). After the cut-short wait nothing more of the round
 *   runs: the loop's `keep_running()` comes next. Anything else could be the job's own work (a sleep
 *   in the middle of it): a blocker;
 * - a sleep in any other form (passed as a value, `x = time.sleep(1)`), and calls known to wait
 *   without a limit (`input()`, `signal.pause()`, `q.get()`, `ev.wait()`, `t.join()`, `s.accept()`,
 *   `s.recv(...)`), are blockers.
 * Blockers come back with their line and the change to make, for the plan: changes the user can make
 * without the generated module (the program is then left alone until a run after that change).
 */
import type { SyntaxNode } from '@lezer/common';
import { children, indentAt, lineEnd, lineStart, position, statements, text, type ParsedModule } from './parse.js';
import { topLevel, topLevelFunction } from './places.js';

export interface WaitRewrite {
  /** The callee to replace (`time.sleep`, `sleep`, `asyncio.sleep`). */
  callee: SyntaxNode;
  replacement: 'interruptible_sleep' | 'interruptible_sleep_async';
  /**
   * A wait in the loop's own body with more of the round after it (`while True: time.sleep(60); poll()`):
   * where to insert `if not keep_running(): break` (offset of the next line, and the body's indentation
   * and its step), so that a wait cut short by SIGTERM does not start another round.
   */
  breakAfter?: { at: number; indent: string; step: string };
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
        if (name === 'sleep')
          out.push({
            local: alias ? text(mod, alias) : name,
            binds: `${module}.sleep`,
            statement: stmt,
            nodes: alias ? [k, kids[i + 1]!, alias] : [k],
          });
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
  const assigned = topLevel(mod).filter(
    (s) => s.name === 'AssignStatement' && s.firstChild?.name === 'VariableName' && text(mod, s.firstChild) === name,
  );
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

const isAsync = (fn: SyntaxNode): boolean => fn.firstChild?.name === 'async';

/** The function (definition) a node is in, or null at module level. */
function enclosingFunction(node: SyntaxNode): SyntaxNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.name === 'FunctionDefinition') return p;
  return null;
}

/**
 * Is `stmt` the last thing run in `top` (a Body) when it is reached? It is the last statement of its
 * block, or only `continue` (in a loop's body) / a bare `return` (in a function's) follows it, and
 * that block is `top` itself or a branch of an `if` that is, in turn, last in `top`.
 */
function isTail(mod: ParsedModule, stmt: SyntaxNode, top: SyntaxNode, exit: 'continue' | 'return'): boolean {
  const block = stmt.parent;
  if (block?.name !== 'Body') return false;
  const stmts = statements(block);
  const at = stmts.findIndex((s) => s.from === stmt.from && s.to === stmt.to);
  if (at < 0) return false;
  const rest = stmts.slice(at + 1);
  const exits =
    rest.length === 0 ||
    (rest.length === 1 &&
      (exit === 'continue'
        ? rest[0]!.name === 'ContinueStatement'
        : rest[0]!.name === 'ReturnStatement' && text(mod, rest[0]!).trim() === 'return'));
  if (!exits) return false;
  if (block.from === top.from && block.to === top.to) return true;
  const owner = block.parent;
  return owner?.name === 'IfStatement' && isTail(mod, owner, top, exit);
}

/** The expression statement a call is (`f(x)` or `await f(x)` alone on its line), or null. */
function callStatement(call: SyntaxNode): SyntaxNode | null {
  const expression = call.parent?.name === 'AwaitExpression' ? call.parent : call;
  const statement = expression.parent;
  return statement?.name === 'ExpressionStatement' && statement.from === expression.from && statement.to === expression.to
    ? statement
    : null;
}

/**
 * Why `fn` is not certain to be called only as the last statement of the loop's round (directly, or
 * from a function that is), or null when it is. `seen` guards against recursion.
 */
function notLastInRound(mod: ParsedModule, fn: SyntaxNode, loop: SyntaxNode, seen: Set<number> = new Set()): string | null {
  const nameNode = fn.getChild('VariableName');
  if (!nameNode) return 'it has no name';
  const name = text(mod, nameNode);
  if (fn.parent?.name === 'DecoratedStatement') return `${name}() is decorated`;
  const defined = topLevel(mod)
    .map((s) => (s.name === 'DecoratedStatement' ? s.getChild('FunctionDefinition') : s))
    .filter((s) => s?.name === 'FunctionDefinition' && s.getChild('VariableName') && text(mod, s.getChild('VariableName')!) === name);
  if (defined.length !== 1) return `${name}() is defined more than once`;
  if (seen.has(fn.from)) return `${name}() calls itself`;
  seen.add(fn.from);
  const body = loop.getChild('Body');
  if (!body) return 'the loop has no body';
  const lineOf = (n: SyntaxNode): number => position(mod.source, n.from).line;
  let why: string | null = null;
  mod.tree.iterate({
    enter: (ref) => {
      if (why !== null) return false;
      if (ref.name !== 'VariableName' || mod.source.slice(ref.from, ref.to) !== name) return undefined;
      if (ref.from === nameNode.from) return undefined;
      const node = ref.node;
      const call = node.parent?.name === 'CallExpression' && node.parent.firstChild?.from === node.from ? node.parent : null;
      const statement = call ? callStatement(call) : null;
      if (!call || !statement) {
        why = `${name}() is used at line ${lineOf(node)} other than as a statement of its own`;
        return false;
      }
      if (node.from >= body.from && node.to <= body.to) {
        if (enclosingFunction(node)?.from !== enclosingFunction(loop)?.from || !isTail(mod, statement, body, 'continue')) {
          why = `the loop calls ${name}() at line ${lineOf(node)}, where more of the round follows`;
        }
        return false;
      }
      const caller = enclosingFunction(node);
      const callerBody = caller?.getChild('Body');
      if (!caller || !callerBody || enclosingFunction(caller) !== null || !isTail(mod, statement, callerBody, 'return')) {
        why = `${name}() is also called at line ${lineOf(node)}`;
        return false;
      }
      const outer = notLastInRound(mod, caller, loop, seen);
      if (outer !== null)
        why = `${name}() is called from ${text(mod, caller.getChild('VariableName')!)}() at line ${lineOf(node)}, and ${outer}`;
      return false;
    },
  });
  return why;
}

/**
 * Where `if not keep_running(): break` goes after a wait statement of the loop's own body: the start
 * of the next line, when the statement is alone on its line(s); null otherwise (the rewrite then
 * only makes the wait interruptible, and the rest of that round runs once after SIGTERM).
 */
function breakPoint(mod: ParsedModule, statement: SyntaxNode, loop: SyntaxNode): { at: number; indent: string; step: string } | null {
  const { source } = mod;
  const start = lineStart(source, statement.from);
  const end = lineEnd(source, statement.to);
  if (source.slice(start, statement.from).trim() !== '' || !/^[ \t]*(#[^\n]*)?\r?\n?$/.test(source.slice(statement.to, end))) return null;
  const indent = source.slice(start, statement.from);
  const outer = indentAt(source, loop.from);
  if (!indent.startsWith(outer) || indent.length <= outer.length || (end === source.length && !source.endsWith('\n'))) return null;
  return { at: end, indent, step: indent.slice(outer.length) };
}

/**
 * A function annotated to return something (`def main() -> int:`) whose `while True:` is how it never
 * falls off its end: once the loop can end, mypy and pyright report a missing return. A blocker,
 * unless a `return <value>` (or a `raise`) comes after the loop in that function.
 */
function fallsOffTyped(mod: ParsedModule, loop: SyntaxNode): WaitBlocker | null {
  const fn = enclosingFunction(loop);
  const annotation = fn?.getChild('TypeDef');
  if (!fn || !annotation) return null;
  const type = text(mod, annotation)
    .replace(/^->\s*/, '')
    .trim();
  if (type === 'None' || type === "'None'" || type === '"None"') return null;
  let after = false;
  mod.tree.iterate({
    from: loop.to,
    to: fn.to,
    enter: (ref) => {
      if (after || ref.from < loop.to) return undefined;
      if (ref.name === 'FunctionDefinition' || ref.name === 'LambdaExpression' || ref.name === 'ClassDefinition') return false;
      if ((ref.name === 'ReturnStatement' && text(mod, ref.node).trim() !== 'return') || ref.name === 'RaiseStatement') after = true;
      return undefined;
    },
  });
  if (after) return null;
  const name = text(mod, fn.getChild('VariableName')!);
  const line = position(mod.source, loop.from).line;
  return {
    line,
    message:
      `line ${line}: ${name}() is declared \`-> ${type}\` and returns nothing after the loop: once the loop can end, mypy and pyright report a missing return; ` +
      `add the \`return\` it should make after a shutdown (e.g. \`return 0\`) after the loop, or declare it \`-> None\``,
  };
}

/** The waits reachable from `loop` (see the file comment). */
export function loopWaits(mod: ParsedModule, loop: SyntaxNode, budgetSeconds: number): LoopWaits {
  const imports = sleepImports(mod);
  const rewrites: WaitRewrite[] = [];
  const blockers: WaitBlocker[] = [];
  const lineOf = (n: SyntaxNode): number => position(mod.source, n.from).line;
  const bound = budgetSeconds / 2;
  const loopIsAsync = (() => {
    const fn = enclosingFunction(loop);
    return fn !== null && isAsync(fn);
  })();

  /** A long or unknown sleep in `fn`: rewritten when it is certainly the wait between rounds, else a blocker. */
  const waitInFunction = (
    fn: SyntaxNode,
    call: SyntaxNode,
    statement: SyntaxNode | null,
    sync: boolean,
    awaited: boolean,
    seconds: number | null,
    oneArg: SyntaxNode | undefined,
  ): void => {
    const name = text(mod, fn.getChild('VariableName')!);
    const code = text(mod, call).replace(/\s+/g, ' ');
    const callee = call.firstChild!;
    const body = fn.getChild('Body')!;
    let why: string | null = null;
    if (!statement || !oneArg) why = 'it is not a plain statement of its own';
    else if (sync ? awaited || isAsync(fn) || loopIsAsync : !awaited || !isAsync(fn) || !loopIsAsync)
      why = sync ? 'a blocking sleep in an asyncio program' : 'it is not awaited in an async loop';
    else if (!isTail(mod, statement, body, 'return')) {
      const next = statements(statement.parent!).find((s) => s.from > statement.from);
      why = `line ${next ? lineOf(next) : lineOf(statement)} of ${name}() runs after it`;
    } else why = notLastInRound(mod, fn, loop);
    if (why === null) {
      rewrites.push({ callee, replacement: sync ? 'interruptible_sleep' : 'interruptible_sleep_async' });
      return;
    }
    const length = seconds === null ? 'for a time not known here' : `${seconds} s`;
    blockers.push({
      line: lineOf(call),
      message:
        `line ${lineOf(call)}: \`${code}\` in ${name}() waits ${length}, and it is not certain to be the wait between rounds (${why}): ` +
        `if it is, make it the last statement of ${name}() and call ${name}() only as the last statement of the loop; ` +
        `if it is part of the job, give it a fixed length of at most ${bound} s (a number or a module constant)`,
    });
  };

  const body = loop.getChild('Body');
  const visit = (node: SyntaxNode, where: { fn: SyntaxNode | null }): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (SCOPES.has(c.name)) continue;
      if (c.name === 'CallExpression') {
        const callee = c.firstChild!;
        const sleep = sleepNamed(mod, callee, imports);
        const awaited = c.parent?.name === 'AwaitExpression';
        const statement = callStatement(c);
        if (sleep) {
          const code = text(mod, c).replace(/\s+/g, ' ');
          const oneArg = args(c).length === 1 && args(c)[0]!.name !== 'KeywordArgument' ? args(c)[0] : undefined;
          const sync = sleep === 'time.sleep';
          if (where.fn !== null) {
            const seconds = constantSeconds(mod, oneArg);
            if (seconds === null || seconds > bound) waitInFunction(where.fn, c, statement, sync, awaited, seconds, oneArg);
          } else if (statement && oneArg && (sync ? !awaited : awaited)) {
            const breakAfter =
              body && statement.parent?.from === body.from && statement.parent.to === body.to && !isTail(mod, statement, body, 'continue')
                ? breakPoint(mod, statement, loop)
                : null;
            rewrites.push({
              callee,
              replacement: sync ? 'interruptible_sleep' : 'interruptible_sleep_async',
              ...(breakAfter ? { breakAfter } : {}),
            });
          } else {
            blockers.push({
              line: lineOf(c),
              message:
                `line ${lineOf(c)}: \`${code}\` is not a plain \`${sync ? '' : 'await '}${sleep}(seconds)\` statement, so it cannot be made to end on shutdown; ` +
                `make the wait between rounds a statement of its own, \`${sync ? '' : 'await '}${sleep}(seconds)\``,
            });
          }
        } else {
          const unbounded = unboundedWait(mod, c);
          if (unbounded) {
            const fnName = where.fn ? text(mod, where.fn.getChild('VariableName')!) : null;
            blockers.push({
              line: lineOf(c),
              message: `line ${lineOf(c)}: ${unbounded}${fnName ? ` (in ${fnName}())` : ''}, which a shutdown does not end; give it a timeout of a second or two`,
            });
          }
        }
        // Arguments may hold more calls.
        visit(c, where);
        continue;
      }
      if ((c.name === 'MemberExpression' || c.name === 'VariableName') && c.parent?.name !== 'CallExpression') {
        const sleep = sleepNamed(mod, c, imports);
        if (sleep) {
          blockers.push({
            line: lineOf(c),
            message: `line ${lineOf(c)}: \`${sleep}\` is passed as a value here, so its wait cannot be made to end on shutdown; call \`${sleep}(seconds)\` as a statement of its own instead`,
          });
          continue;
        }
      }
      visit(c, where);
    }
  };

  const returns = fallsOffTyped(mod, loop);
  if (returns) blockers.push(returns);
  if (body) visit(body, { fn: null });
  // Functions of this module the loop calls, and the ones they call: their sleeps are part of the job,
  // or the wait between rounds (see waitInFunction).
  const functions: SyntaxNode[] = [];
  if (body) calledTopLevel(mod, body, functions);
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i]!;
    if (fn.from <= loop.from && fn.to >= loop.to) continue; // the function that holds the loop
    const fnBody = fn.getChild('Body');
    if (!fnBody || !fn.getChild('VariableName')) continue;
    visit(fnBody, { fn });
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
  const unused = imports.filter(
    (i) =>
      otherUses(mod, i.local, callees) === 0 &&
      rewrites.some((r) => {
        const t = text(mod, r.callee);
        return t === i.local || t.replace(/\s+/g, '').startsWith(`${i.local}.`);
      }),
  );
  const byStatement = new Map<SyntaxNode, ImportedName[]>();
  for (const u of unused) {
    const key = [...byStatement.keys()].find((k) => k.from === u.statement.from) ?? u.statement;
    byStatement.set(key, [...(byStatement.get(key) ?? []), u]);
  }
  for (const [stmt, items] of byStatement) {
    const kids = children(stmt);
    const names = kids.filter((k) => k.name === 'VariableName');
    const isFrom = kids[0]?.name === 'from';
    const itemCount = isFrom
      ? names.length - 1 - kids.filter((k) => k.name === 'as').length
      : names.length - kids.filter((k) => k.name === 'as').length;
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
