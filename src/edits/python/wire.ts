/**
 * The entrypoint edit: wires signal_handlers.py into the module that starts a Python app, as a pure
 * `(source) => string | false` over @lezer/python's tree. Text is inserted at exact offsets; nothing
 * else in the file is re-printed, so comments, CRLF line ends and the encoding line stay as they are.
 *
 * - 'asgi': hooks the registry into the app's lifespan, in this order of preference:
 *   1. `FastAPI(..., lifespan=x)` becomes `lifespan=wrap_lifespan(x)` (composes with it);
 *   2. `on_shutdown=[...]` (a list literal) gets `run_shutdown_handlers_async` appended;
 *   3. Starlette, and FastAPI where the project pins a release with `lifespan=` (0.93 or later,
 *      WireOptions.fastapiLifespan), without startup/shutdown events, gets `lifespan=lifespan`;
 *   4. otherwise (FastAPI not known to be 0.93+, or with @app.on_event handlers) a line after the
 *      app is created: `hook_lifespan(app)`, which wraps `app.router.lifespan_context`. It keeps
 *      on_event handlers running (the router's default lifespan runs them) and works with FastAPI
 *      releases older than 0.93, which have no `lifespan=` (Debian's is 0.92); being a call, it
 *      type-checks under mypy --strict and pyright --strict whatever Starlette's annotations.
 *   A factory in the same module (`app = create_app()`, `uvicorn --factory`) is followed.
 * - 'plain' / 'asyncio': `setup_signal_handlers()` at the start of the console script's function
 *   if given, else (asyncio) of the coroutine `asyncio.run(main())` runs when it is defined here, so
 *   that it sees the running loop, else of the `if __name__ == "__main__":` block, else after the
 *   imports. Then the program's job loop (see job-loop.ts): a single literal `while True:` /
 *   `while 1:` in the loop the entry runs becomes `while keep_running():` and its sleeps
 *   `interruptible_sleep(n)` / `await interruptible_sleep_async(n)` (loop-waits.ts), so that a
 *   SIGTERM lets the job in hand finish and stops at once between jobs. A job loop the tool cannot
 *   rewrite safely (a wait that cannot be cut short, a condition of its own, several candidates)
 *   leaves the whole module as it is: the edit gives `false`, and jobLoopNote says which lines to
 *   change by hand (signal handlers alone would stop the program in the middle of the job in hand).
 *   The loop part also runs on a module wired earlier without it.
 * - 'gunicorn': `setup_signal_handlers()` after the imports, where gunicorn's import of the module
 *   runs it (it installs nothing in that mode; the call keeps the wiring the same for every mode).
 *
 * The import goes after the leading imports (after a docstring and `from __future__` imports),
 * written the way the module is started (see PythonApp.entryImport), a blank line apart from
 * another group's imports; names are added to a one-line import from signal_handlers the module
 * already has. Applying the edit twice gives
 * `false` the second time. Where it cannot be done safely the edit is refused: `refused` names
 * the line and what to add by hand, and where.
 */
import type { SyntaxNode } from '@lezer/common';
import type { PythonShutdownMode } from './mode.js';
import {
  children,
  firstSyntaxProblem,
  indentAt,
  isDocstring,
  lineEnd,
  lineStart,
  parseModule,
  position,
  sameLine,
  statements,
  text,
  type ParsedModule,
} from './parse.js';
import { checksShutdown, findJobLoops, jobLoopAdvice, loopCondition, loopToRewrite } from './job-loop.js';
import {
  callsFunction,
  findAppCreation,
  importAnchor,
  isSignalHandlersModule,
  keywordArgs,
  mainBlockBody,
  topLevel,
  topLevelFunction,
  usesName,
} from './places.js';
import { countEditRun } from '../../core/edit-runs.js';
import type { EditRefusal, EditResult } from '../../core/edit-result.js';

export interface WireOptions {
  mode: PythonShutdownMode;
  /** The ASGI app variable (or factory) for 'asgi'; ignored otherwise. */
  appVariable: string | null;
  /** Module to import from: '.signal_handlers' (package-relative) or 'signal_handlers'. */
  importFrom: string;
  /** Repo-relative path, for messages. */
  file?: string;
  /** A function to start with setup_signal_handlers() (a console script's target), when present. */
  mainFunction?: string | null;
  /** FastAPI's `lifespan=` parameter exists in the release the project pins (0.93 or later). */
  fastapiLifespan?: boolean;
  /** The shutdown budget in seconds (default 8): a wait in a job loop longer than half of it holds the stop. */
  budgetSeconds?: number;
}

const DEFAULT_BUDGET_SECONDS = 8;

/**
 * Thrown where the wiring finds it cannot be done safely, deep in the module's tree; caught at the
 * edit's boundary and returned as its `refused` (no caller sees it).
 */
class Refusal extends Error {
  constructor(readonly refusal: EditRefusal) {
    super(refusal.reason);
  }
}

function refusalOf(reason: string, line: number | null, manual: string[], where: string): EditRefusal {
  return { reason, ...(line === null ? {} : { line }), manual, where };
}

interface Insertion {
  at: number;
  /** Replaced range end (for replacements); equals `at` for pure insertions. */
  to: number;
  text: string;
}

function apply(source: string, edits: Insertion[]): string {
  // Stable by offset: several insertions at one offset keep the order they were planned in.
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const { e } of sorted) {
    out += source.slice(pos, e.at) + e.text;
    pos = Math.max(pos, e.to);
  }
  return out + source.slice(pos);
}

const NAMES = [
  'setup_signal_handlers',
  'shutdown_requested',
  'keep_running',
  'interruptible_sleep',
  'interruptible_sleep_async',
  'lifespan',
  'wrap_lifespan',
  'hook_lifespan',
  'run_shutdown_handlers_async',
] as const;
type Name = (typeof NAMES)[number];

/** Top-level imports from signal_handlers: exported name -> local name, and the statements. */
function existingImports(mod: ParsedModule): { names: Map<string, string>; statements: SyntaxNode[]; module: string | null } {
  const names = new Map<string, string>();
  const found: SyntaxNode[] = [];
  let module: string | null = null;
  for (const s of topLevel(mod)) {
    if (s.name !== 'ImportStatement') continue;
    const parts = children(s);
    if (parts[0]?.name !== 'from') continue;
    const importAt = parts.findIndex((p) => p.name === 'import');
    const from = parts
      .slice(1, importAt)
      .map((p) => text(mod, p))
      .join('');
    if (!isSignalHandlersModule(from)) continue;
    module ??= from;
    found.push(s);
    const items = parts.slice(importAt + 1).filter((p) => !['(', ')', ',', 'Comment'].includes(p.name));
    for (let i = 0; i < items.length; i++) {
      const n = items[i]!;
      if (n.name !== 'VariableName') continue;
      const alias = items[i + 1]?.name === 'as' ? items[i + 2] : undefined;
      names.set(text(mod, n), alias ? text(mod, alias) : text(mod, n));
      if (alias) i += 2;
    }
  }
  return { names, statements: found, module };
}

class WirePlan {
  readonly edits: Insertion[] = [];
  private readonly wanted: Name[] = [];
  private readonly existing: ReturnType<typeof existingImports>;

  constructor(
    readonly mod: ParsedModule,
    readonly options: WireOptions,
  ) {
    this.existing = existingImports(mod);
  }

  /** The local name for an export of signal_handlers, importing it if needed. */
  use(name: Name): string {
    const have = this.existing.names.get(name);
    if (have) return have;
    if (!this.wanted.includes(name)) this.wanted.push(name);
    return this.localFor(name);
  }

  private localFor(name: Name): string {
    // `lifespan` is a common name for the app's own lifespan function: avoid shadowing it.
    return name === 'lifespan' && usesName(this.mod, 'lifespan') ? 'shutdown_lifespan' : name;
  }

  insert(at: number, text: string): void {
    this.edits.push({ at, to: at, text });
  }

  replace(from: number, to: number, text: string): void {
    this.edits.push({ at: from, to, text });
  }

  /**
   * Where module-level code can use what is imported: after our import, or after an existing one.
   * `anchored` is false when the module has no leading imports (our import then opens the file).
   */
  afterImports(): { at: number; anchored: boolean } {
    const { source } = this.mod;
    const anchor = importAnchor(this.mod);
    const lastExisting = this.existing.statements[this.existing.statements.length - 1];
    const after = [anchor, lastExisting].filter((n): n is SyntaxNode => !!n).map((n) => lineEnd(source, n.to));
    if (after.length) return { at: Math.max(...after), anchored: true };
    const first = topLevel(this.mod)[0];
    return { at: first ? lineStart(source, first.from) : source.length, anchored: false };
  }

  /**
   * Adds the names used to the module's one-line import from signal_handlers when it has one,
   * else an import line at the end of the leading imports.
   */
  finishImports(): void {
    if (!this.wanted.length) return;
    const { source, eol } = this.mod;
    const from = this.existing.module ?? this.options.importFrom;
    const items = this.wanted.map((n) => (this.localFor(n) === n ? n : `${n} as ${this.localFor(n)}`)).join(', ');
    const extendable = this.existing.statements.filter((s) => !s.getChild('(') && !s.getChild('*'));
    const last = extendable[extendable.length - 1];
    if (last) {
      this.edits.unshift({ at: last.to, to: last.to, text: `, ${items}` });
      return;
    }
    const line = `from ${from} import ${items}`;
    const anchor = importAnchor(this.mod);
    if (anchor) {
      const at = lineEnd(source, anchor.to);
      const needsBreak = at === source.length && !source.endsWith('\n');
      // A blank line between another group's imports and ours (a local module), as isort would.
      // Not when the anchor is an import the loop rewrite drops and nothing comes before it: the file would open with a blank line.
      const dropped = this.edits.some((e) => e.text === '' && e.at <= anchor.from && e.to >= anchor.to);
      const first = topLevel(this.mod)[0];
      const opensFile = dropped && first !== undefined && first.from === anchor.from;
      const separate = anchor.name === 'ImportStatement' && !endsLocalGroup(this.mod, anchor) && !opensFile ? eol : '';
      // Before any other insertion at the same offset (e.g. a module-level setup call).
      this.edits.unshift({ at, to: at, text: `${needsBreak ? eol : ''}${separate}${line}${eol}` });
      return;
    }
    const first = topLevel(this.mod)[0];
    const at = first ? lineStart(source, first.from) : source.length;
    const lead = at === source.length && source.length > 0 && !source.endsWith('\n') ? eol : '';
    this.edits.unshift({ at, to: at, text: `${lead}${line}${eol}${first ? eol : ''}` });
  }
}

/**
 * Is the import group that `anchor` ends the app's own (where our import belongs, no blank line)?
 * Yes for a relative import, or for the third of three or more blank-line-separated groups
 * (stdlib, third party, local: the order isort and PEP 8 use). Otherwise ours starts a group.
 */
function endsLocalGroup(mod: ParsedModule, anchor: SyntaxNode): boolean {
  if (/^from\s+\./.test(text(mod, anchor))) return true;
  const imports = topLevel(mod).filter((s) => s.name === 'ImportStatement' && s.to <= anchor.to);
  let groups = imports.length ? 1 : 0;
  for (let i = 1; i < imports.length; i++) {
    if (/\n[ \t]*\r?\n/.test(mod.source.slice(imports[i - 1]!.to, imports[i]!.from))) groups++;
  }
  return groups >= 3;
}

function refuse(plan: WirePlan, reason: string, node: SyntaxNode | null, manual: string[], where: string): never {
  const line = node ? position(plan.mod.source, node.from).line : null;
  throw new Refusal(refusalOf(reason, line, manual, where));
}

/** Insert `line` as the first statement of a Body (after a docstring). */
function insertFirstInBody(plan: WirePlan, body: SyntaxNode, line: string): void {
  const { source, eol } = plan.mod;
  const stmts = statements(body);
  const colon = body.firstChild!;
  const first = stmts[0];
  if (!first) return;
  if (sameLine(source, colon.to, first.from)) {
    // One-line body (`if __name__ == "__main__": main()`): a simple statement before it.
    plan.insert(first.from, `${line}; `);
    return;
  }
  const target = isDocstring(first) && body.parent?.name === 'FunctionDefinition' ? stmts[1] : first;
  if (target) {
    plan.insert(target.from, `${line}${eol}${indentAt(source, target.from)}`);
  } else {
    const at = lineEnd(source, first.to);
    const lead = at === source.length && !source.endsWith('\n') ? eol : '';
    plan.insert(at, `${lead}${indentAt(source, first.from)}${line}${eol}`);
  }
}

/**
 * The coroutine function `asyncio.run(main())` runs, when it is defined in this module: asyncio
 * mode's setup wants the running loop (it falls back to signal.signal() without one).
 */
function asyncioMain(mod: ParsedModule): SyntaxNode | null {
  let name: string | null = null;
  mod.tree.iterate({
    enter: (ref) => {
      if (name !== null) return false;
      if (ref.name !== 'CallExpression') return undefined;
      const callee = ref.node.firstChild;
      if (callee?.name !== 'MemberExpression' || text(mod, callee).replace(/\s/g, '') !== 'asyncio.run') return undefined;
      const arg = callee.nextSibling?.getChild('CallExpression');
      const target = arg?.firstChild;
      if (target?.name === 'VariableName') name = text(mod, target);
      return undefined;
    },
  });
  const fn = name === null ? null : topLevelFunction(mod, name);
  return fn && fn.firstChild?.name === 'async' ? fn : null;
}

function wireSetup(plan: WirePlan): void {
  const { mod, options } = plan;
  const { source, eol } = mod;
  const call = `${plan.use('setup_signal_handlers')}()`;
  const fn = options.mainFunction ? topLevelFunction(mod, options.mainFunction) : options.mode === 'asyncio' ? asyncioMain(mod) : null;
  // gunicorn imports the module: its __main__ block never runs there.
  const body = fn?.getChild('Body') ?? (options.mode === 'gunicorn' ? null : mainBlockBody(mod));
  if (body) {
    insertFirstInBody(plan, body, call);
    return;
  }
  const { at, anchored } = plan.afterImports();
  const lead = at === source.length && source.length > 0 && !source.endsWith('\n') ? eol : '';
  // Separated from the imports above (or, opening the file, from the code below) by a blank line.
  const codeFollows = at < source.length && !/^[ \t]*\r?\n/.test(source.slice(at));
  plan.insert(at, `${lead}${anchored ? eol : ''}${call}${eol}${codeFollows ? eol : ''}`);
}

/** Append `item` to a bracketed, comma-separated list (an ArgList or a list literal). */
function appendToList(plan: WirePlan, list: SyntaxNode, item: string): boolean {
  const { source, eol } = plan.mod;
  const kids = children(list);
  const open = kids[0];
  const close = kids[kids.length - 1];
  if (!open || !close || !['(', '['].includes(open.name) || ![')', ']'].includes(close.name) || kids.length < 2) return false;
  const content = kids.slice(1, -1).filter((k) => k.name !== 'Comment');
  const last = content[content.length - 1];
  if (!last) {
    plan.insert(open.to, item);
    return true;
  }
  const trailingComma = last.name === ',';
  const lastItem = trailingComma ? content[content.length - 2] : last;
  if (!lastItem) return false;
  if (!sameLine(source, lastItem.to, close.from)) {
    // One item per line: a new line before the closing bracket, in the list's own style.
    const indent = indentAt(source, lastItem.from);
    if (!trailingComma) plan.insert(lastItem.to, ',');
    plan.insert(lineStart(source, close.from), `${indent}${item}${trailingComma ? ',' : ''}${eol}`);
  } else if (trailingComma) {
    plan.insert(last.to, ` ${item},`);
  } else {
    plan.insert(lastItem.to, `, ${item}`);
  }
  return true;
}

function wireAsgi(plan: WirePlan): void {
  const { mod, options } = plan;
  const variable = options.appVariable ?? 'app';
  const from = options.importFrom;
  const manualRouter = [`from ${from} import hook_lifespan`, `hook_lifespan(${variable})`];
  const where = `after the line that creates \`${variable}\``;
  if (!options.appVariable) refuse(plan, 'the ASGI app variable is not known', null, manualRouter, where);
  const lookup = findAppCreation(mod, variable);
  if ('missing' in lookup) refuse(plan, lookup.missing, lookup.at, manualRouter, where);
  const { call, cls, statement, variable: bound } = lookup.found;
  const kw = keywordArgs(mod, call);
  const lifespanArg = kw.get('lifespan');
  if (lifespanArg) {
    const value = lifespanArg.value;
    if (text(mod, value) === 'None') {
      plan.replace(value.from, value.to, plan.use('lifespan'));
    } else {
      plan.insert(value.from, `${plan.use('wrap_lifespan')}(`);
      plan.insert(value.to, ')');
    }
    return;
  }
  const onShutdown = kw.get('on_shutdown');
  if (onShutdown?.value.name === 'ArrayExpression') {
    if (appendToList(plan, onShutdown.value, plan.use('run_shutdown_handlers_async'))) return;
  }
  const usesEvents = kw.has('on_startup') || kw.has('on_shutdown') || /\.(on_event|add_event_handler)\s*\(/.test(mod.source);
  // FastAPI before 0.93 has no `lifespan=`; with on_event handlers, `lifespan=` would stop them running.
  if ((cls === 'Starlette' || (cls === 'FastAPI' && options.fastapiLifespan === true)) && !usesEvents) {
    const args = call.getChild('ArgList');
    if (args && appendToList(plan, args, `lifespan=${plan.use('lifespan')}`)) return;
  }
  if (bound === null) {
    refuse(
      plan,
      `the app is returned directly from \`return ${cls}(...)\``,
      statement,
      [`from ${from} import hook_lifespan`, 'hook_lifespan(app)'],
      `in the factory: bind the app to a variable (\`app = ${cls}(...)\`), then after it`,
    );
  }
  const { source, eol } = mod;
  const hook = plan.use('hook_lifespan');
  const at = lineEnd(source, statement.to);
  const lead = at === source.length && !source.endsWith('\n') ? eol : '';
  plan.insert(at, `${lead}${indentAt(source, statement.from)}${hook}(${bound})${eol}`);
}

/** The local names the module's own checks of the request have (or will have). */
function requestCheckNames(mod: ParsedModule): string[] {
  const names = existingImports(mod).names;
  return [names.get('shutdown_requested') ?? 'shutdown_requested', names.get('keep_running') ?? 'keep_running'];
}

/** `while True:` -> `while keep_running():` in the program's one job loop, its sleeps made interruptible (see job-loop.ts). */
function wireJobLoop(plan: WirePlan): void {
  const { mod, options } = plan;
  if (checksShutdown(mod, requestCheckNames(mod))) return;
  const rewrite = loopToRewrite(mod, findJobLoops(mod, options.mainFunction), options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS);
  const cond = rewrite && loopCondition(rewrite.loop);
  if (!rewrite || !cond) return;
  plan.replace(cond.from, cond.to, `${plan.use('keep_running')}()`);
  for (const wait of rewrite.waits.rewrites) {
    plan.replace(wait.callee.from, wait.callee.to, plan.use(wait.replacement));
    const after = wait.breakAfter;
    if (after)
      plan.insert(after.at, `${after.indent}if not ${plan.use('keep_running')}():${mod.eol}${after.indent}${after.step}break${mod.eol}`);
  }
  for (const [from, to, replacement] of rewrite.waits.importEdits) plan.replace(from, to, replacement);
}

/**
 * For 'plain' / 'asyncio' wiring: why the job loop is not rewritten and the exact change to make by
 * hand, or null (the edit rewrites it, the module already checks the request, or the mode has no
 * job loop). `leaveAlone`: the module is not edited at all (see jobLoopAdvice). `file` is the
 * repo-relative path for the message.
 */
export function jobLoopNote(source: string, options: WireOptions): { line: number | null; message: string; leaveAlone: boolean } | null {
  if (options.mode !== 'plain' && options.mode !== 'asyncio') return null;
  const mod = parseModule(source.startsWith('\uFEFF') ? source.slice(1) : source);
  if (firstSyntaxProblem(mod) || checksShutdown(mod, requestCheckNames(mod))) return null;
  const from = existingImports(mod).module ?? options.importFrom;
  const advice = jobLoopAdvice(
    mod,
    findJobLoops(mod, options.mainFunction),
    options.file ?? 'the entry module',
    from,
    options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS,
  );
  // Wired by an earlier run (before loops were left alone): this run changes nothing, and must not say there are no handlers.
  if (advice?.leaveAlone && alreadyWired(mod, options.mode)) {
    return {
      ...advice,
      message: advice.message.replace(
        '(no signal handlers, no tini)',
        '(the setup_signal_handlers() call an earlier run added stays: until the loop is changed, SIGTERM stops it where it is)',
      ),
    };
  }
  return advice;
}

/** True when the module already hands shutdown to the registry (so the edit has nothing to do). */
function alreadyWired(mod: ParsedModule, mode: PythonShutdownMode): boolean {
  const names = existingImports(mod).names;
  if (mode === 'asgi') {
    return (['lifespan', 'wrap_lifespan', 'hook_lifespan', 'run_shutdown_handlers_async', 'run_shutdown_handlers'] as const).some((n) => {
      const local = names.get(n);
      return local !== undefined && usesName(mod, local);
    });
  }
  const setup = names.get('setup_signal_handlers') ?? 'setup_signal_handlers';
  return callsFunction(mod, setup);
}

/**
 * Wire signal_handlers into an entry module: the new text, or `false` when the module is already
 * wired (or left alone, see jobLoopNote); refused, with the lines to add by hand and where, when it
 * cannot be done safely.
 */
export function wirePythonEntrypoint(source: string, options: WireOptions): EditResult {
  countEditRun('wirePythonEntrypoint', source, options);
  // A UTF-8 byte order mark stays where it is, outside what the parser sees.
  const bom = source.startsWith('\uFEFF');
  try {
    const out = wire(bom ? source.slice(1) : source, options);
    return { text: out === false ? false : `${bom ? '\uFEFF' : ''}${out}`, notes: [] };
  } catch (err) {
    if (err instanceof Refusal) return { text: false, notes: [], refused: err.refusal };
    throw err;
  }
}

function wire(source: string, options: WireOptions): string | false {
  const mod = parseModule(source);
  const plan = new WirePlan(mod, options);
  const problem = firstSyntaxProblem(mod);
  if (problem) {
    const manual =
      options.mode === 'asgi'
        ? [`from ${options.importFrom} import hook_lifespan`, `hook_lifespan(${options.appVariable ?? 'app'})`]
        : [`from ${options.importFrom} import setup_signal_handlers`, 'setup_signal_handlers()'];
    const where =
      options.mode === 'asgi' ? 'after the line that creates the app' : 'at the start of the `if __name__ == "__main__":` block';
    throw new Refusal(refusalOf(`${problem.what} at column ${problem.column}, so the file was left alone`, problem.line, manual, where));
  }
  // A job loop that cannot be made to stop between jobs: the program is left as it is (see jobLoopNote).
  if ((options.mode === 'plain' || options.mode === 'asyncio') && jobLoopNote(source, options)?.leaveAlone) return false;
  const wired = alreadyWired(mod, options.mode);
  if (options.mode === 'asgi') {
    if (wired) return false;
    wireAsgi(plan);
  } else if (!wired) {
    wireSetup(plan);
  }
  if (options.mode === 'plain' || options.mode === 'asyncio') wireJobLoop(plan);
  plan.finishImports();
  const out = apply(source, plan.edits);
  return out === source ? false : out;
}
