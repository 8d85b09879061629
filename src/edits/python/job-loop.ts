/**
 * The job loop of a plain or asyncio program: the loop the entry runs, found in the
 * `if __name__ == "__main__":` block (or, without one, the module's top level), in the top-level
 * functions that block calls (`main()`, `sys.exit(main())`, `asyncio.run(main())`), or in the
 * console script's function. Setting up the signal handlers only records a SIGTERM: a loop that
 * never looks at `shutdown_requested()` keeps taking jobs until the budget cuts it, and then the
 * handlers never run. So a single literal `while True:` / `while 1:` there is rewritten to
 * `while keep_running():`, with its sleeps made to end on shutdown (loop-waits.ts), when every wait
 * it reaches ends at once on shutdown or is short. Anything less certain is left to the user, with
 * the lines to change; and then the whole program is left as it is, how it stops included
 * (jobLoopAdvice's `leaveAlone`): handlers that stop it where it is would cut the job in hand.
 */
import type { SyntaxNode } from '@lezer/common';
import { position, text, type ParsedModule } from './parse.js';
import { callsFunction, mainBlockBody, topLevelFunction } from './places.js';
import { loopWaits, type LoopWaits } from './loop-waits.js';

export interface JobLoopScope {
  /** Where the program's own code runs: Bodies (or the module's top node), in order. */
  scopes: SyntaxNode[];
  /** The node to point at when no loop is found (the function, or the `__main__` block). */
  anchor: SyntaxNode | null;
  /** What to call it in messages: "main()", "the `__main__` block", "the module". */
  label: string;
}

export interface JobLoops {
  /** Outermost `while True:` / `while 1:` loops: candidates for the rewrite. */
  literal: SyntaxNode[];
  /** Other outermost `while` loops (a condition of their own). */
  conditional: SyntaxNode[];
  scope: JobLoopScope;
}

const NESTED_SCOPES = new Set(['FunctionDefinition', 'ClassDefinition', 'LambdaExpression']);

/** The condition node of a WhileStatement (between `while` and the Body). */
export function loopCondition(loop: SyntaxNode): SyntaxNode | null {
  const cond = loop.firstChild?.nextSibling ?? null;
  return cond && cond.name !== 'Body' ? cond : null;
}

function isLiteralForever(mod: ParsedModule, loop: SyntaxNode): boolean {
  const cond = loopCondition(loop);
  return cond !== null && ['True', '1'].includes(text(mod, cond));
}

/** Top-level functions called (directly or inside other calls' arguments) from `scope`. */
function calledFunctions(mod: ParsedModule, scope: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const walk = (node: SyntaxNode): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (NESTED_SCOPES.has(c.name) || c.name === 'DecoratedStatement') continue;
      const callee = c.name === 'CallExpression' ? c.firstChild : null;
      const fn = callee?.name === 'VariableName' ? topLevelFunction(mod, text(mod, callee)) : null;
      if (fn && !found.some((f) => f.from === fn.from)) found.push(fn);
      walk(c);
    }
  };
  walk(scope);
  return found;
}

/** Outermost loops of a scope, not looking into nested functions, classes or lambdas. */
function outermostLoops(scope: SyntaxNode): SyntaxNode[] {
  const loops: SyntaxNode[] = [];
  const walk = (node: SyntaxNode): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (NESTED_SCOPES.has(c.name) || c.name === 'DecoratedStatement') continue;
      if (c.name === 'WhileStatement') loops.push(c);
      // A `for` loop's body is not where the program's job loop is.
      else if (c.name !== 'ForStatement') walk(c);
    }
  };
  walk(scope);
  return loops;
}

function functionName(mod: ParsedModule, fn: SyntaxNode): string {
  const name = fn.getChild('VariableName');
  return name ? `${text(mod, name)}()` : 'the function';
}

/** Where the program's own code runs, for the modes that install signal handlers. */
export function jobLoopScope(mod: ParsedModule, mainFunction: string | null | undefined): JobLoopScope {
  if (mainFunction) {
    const fn = topLevelFunction(mod, mainFunction);
    const body = fn?.getChild('Body');
    return { scopes: body ? [body] : [], anchor: fn, label: fn ? functionName(mod, fn) : `${mainFunction}()` };
  }
  const main = mainBlockBody(mod);
  const root = main ?? mod.tree.topNode;
  const functions = calledFunctions(mod, root);
  const called = functions.map((fn) => fn.getChild('Body')).filter((b): b is SyntaxNode => !!b);
  const where = main ? 'the `if __name__ == "__main__":` block' : "the module's top level";
  return {
    scopes: [root, ...called],
    anchor: main?.parent ?? null,
    label: [where, ...functions.map((fn) => functionName(mod, fn))].join(' or '),
  };
}

export function findJobLoops(mod: ParsedModule, mainFunction: string | null | undefined): JobLoops {
  const scope = jobLoopScope(mod, mainFunction);
  const loops = scope.scopes.flatMap(outermostLoops);
  return {
    literal: loops.filter((l) => isLiteralForever(mod, l)),
    conditional: loops.filter((l) => !isLiteralForever(mod, l)),
    scope,
  };
}

/** True when the module already looks at the request (`shutdown_requested()`, `keep_running()`, by local names). */
export function checksShutdown(mod: ParsedModule, localNames: string[]): boolean {
  return localNames.some((n) => callsFunction(mod, n));
}

/** The single literal `while True:` loop, or null. */
function candidateLoop(loops: JobLoops): SyntaxNode | null {
  return loops.literal.length === 1 ? loops.literal[0]! : null;
}

export type LoopRewrite = { loop: SyntaxNode; waits: LoopWaits } | null;

/** The loop to rewrite and its waits, or null (no single literal loop, or a wait that would hold the stop). */
export function loopToRewrite(mod: ParsedModule, loops: JobLoops, budgetSeconds: number): LoopRewrite {
  const loop = candidateLoop(loops);
  if (!loop) return null;
  const waits = loopWaits(mod, loop, budgetSeconds);
  return waits.blockers.length ? null : { loop, waits };
}

/**
 * What happens to a program whose job loop is not rewritten, for the plan; null when the loop is
 * rewritten (or there is nothing to say). `file` names the module in the message.
 * - `leaveAlone`: there is a job loop, but the tool cannot make it stop between jobs. Then nothing is
 *   changed, how the program stops included: signal handlers that stop it where it is (or tini in
 *   front of it) would cut the job in hand where, as PID 1 of a container without an init, SIGTERM
 *   used to be ignored and the job finished (measured: test/corpus/python, bare-script-job-sleep).
 *   The message says what to change by hand, without the generated module, so that a later run can.
 * - otherwise (no job loop at all): the program is wired and stops where it is, as Python's default
 *   would, with the handlers run; the message says how to make a loop finish its job instead.
 */
export function jobLoopAdvice(
  mod: ParsedModule,
  loops: JobLoops,
  file: string,
  importFrom: string,
  budgetSeconds: number,
): { line: number | null; message: string; leaveAlone: boolean } | null {
  if (loopToRewrite(mod, loops, budgetSeconds)) return null;
  const lineOf = (n: SyntaxNode): number => position(mod.source, n.from).line;
  const alone = (line: number, why: string, change: string) => ({
    line,
    leaveAlone: true,
    message:
      `${file}:${line}: left as it is, and so is how it stops (no signal handlers, no tini): ${why}. ` +
      `To have SIGTERM and Ctrl+C let the round in hand finish: ${change}; then run the tool again.`,
  });
  const single = candidateLoop(loops);
  if (single) {
    const blockers = loopWaits(mod, single, budgetSeconds).blockers;
    return alone(lineOf(single), 'it cannot be made to stop between rounds as it is', blockers.map((b) => b.message).join('; '));
  }
  if (loops.literal.length > 1) {
    const lines = loops.literal.map(lineOf);
    return alone(
      lines[0]!,
      `${lines.length} \`while True:\` loops (lines ${lines.join(', ')}) could be the job loop`,
      `make the job loop the only \`while True:\` loop in ${loops.scope.label} (give the others a condition of their own, or a \`for\`)`,
    );
  }
  const loop = loops.conditional[0];
  if (loop) {
    const cond = text(mod, loopCondition(loop)!).replace(/\s+/g, ' ');
    return alone(
      lineOf(loop),
      `the tool rewrites only a \`while True:\` job loop, and this one's condition is \`${cond}\``,
      `write it as \`while True:\` with \`if not (${cond}): break\` as its first statement`,
    );
  }
  const importHint = `and add \`keep_running\` to the \`from ${importFrom} import ...\` line`;
  const anchor = loops.scope.anchor;
  const line = anchor ? lineOf(anchor) : null;
  return {
    line,
    leaveAlone: false,
    message:
      `${line === null ? file : `${file}:${line}`}: no job loop found in ${loops.scope.label}: nothing checks keep_running(), ` +
      'so SIGTERM and Ctrl+C stop the program where it is, as before (the handlers run). ' +
      `If it loops over jobs and should finish the job in hand, make the loop \`while keep_running():\` ${importHint}.`,
  };
}
