/**
 * Wires the generated shutdown module into a Node entry file: imports it, calls
 * setupSignalHandlers() once at top level, registers every server the file starts, and replaces
 * a simple `process.on('SIGTERM')` listener. Pure: text in, text (or a refusal) out.
 * ts-morph is used for analysis only; the new text is spliced from node positions.
 */
import type { Node as TsNode, SourceFile, Statement } from 'ts-morph';
import { collectBindings } from './bindings.js';
import { analyseListener, findExistingShutdown, type Cleanup } from './existing-shutdown.js';
import { findServers, type Target } from './find-servers.js';
import { applySplices, type Splice } from './splice.js';
import {
  continuesPreviousLine,
  detectStyle,
  indentAt,
  lineEnd,
  lineNumberAt,
  lineStart,
  nextLineStart,
  statementEnd,
  type SourceStyle,
} from './style.js';
import { loadTsMorph, parseSource } from '../../core/ts-morph.js';
import { countEditRun } from '../../core/edit-runs.js';
import { note, type EditResult } from '../../core/edit-result.js';

export interface WireOptions {
  /** File name (for the extension: .ts/.mts/.cts/.js/.mjs/.cjs). */
  fileName: string;
  moduleSystem: 'esm' | 'cjs';
  /** Import specifier of the generated module, already in the file's style ('./shutdown.js'). */
  specifier: string;
  /** The package's server frameworks: decides what an app imported from another file is. */
  frameworks?: readonly string[];
  /**
   * The module's registerWebSocketServer accepts Vite's `vite.ws` (the dev-server module does; the app
   * module expects `ws` servers): a Vite server created in the file then also gets its HMR clients closed with 1001.
   */
  viteWebSocket?: boolean;
  /**
   * How a TypeScript file loads the module when ES import syntax is not allowed there (a CommonJS file under
   * verbatimModuleSyntax: `import x = require()`; under erasableSyntaxOnly or type stripping: `require()`).
   * Follows the module's flavour (generators/node-module.ts nodeModuleImportForm). Default: `import`.
   */
  importForm?: 'import' | 'import-require' | 'require';
}

/**
 * Notes are infos (what was kept, what was registered). `data`, when the edit ran to the end:
 * `registered`, the servers (and Nest/Fastify/socket.io instances) registered (0: only
 * setupSignalHandlers() is added); `manual`, the lines it adds, as hand instructions (for a caller
 * that decides not to apply it). A refusal's `manual` holds the same lines.
 */
export type WireResult = EditResult<{ registered: number; manual: string[] } | null>;

const EXPORTS_IN_ORDER = ['setupSignalHandlers', 'registerHttpServer', 'registerWebSocketServer', 'registerShutdownHandler'] as const;
type Export = (typeof EXPORTS_IN_ORDER)[number];

export function wireNodeEntrypoint(source: string, opts: WireOptions): WireResult {
  countEditRun('wireNodeEntrypoint', source, opts);
  const { Node } = loadTsMorph();
  // An extensionless script (bin/www) is JavaScript.
  const sf = parseSource(source, /\.\w+$/.test(opts.fileName.split('/').pop() ?? '') ? opts.fileName : `${opts.fileName}.js`);
  // A file that does not parse is not edited: positions in a broken tree are guesses.
  const broken = (sf.compilerNode as unknown as { parseDiagnostics?: { start?: number; messageText: unknown }[] }).parseDiagnostics?.[0];
  if (broken) {
    const line = lineNumberAt(source, broken.start ?? 0);
    const why = typeof broken.messageText === 'string' ? broken.messageText : 'syntax error';
    return {
      text: false,
      notes: [],
      refused: { reason: `not edited: it does not parse (line ${line}: ${why})`, manual: [], line },
      data: null,
    };
  }
  if (alreadyWired(sf, opts.specifier)) return { text: false, notes: [], data: null };

  const style = detectStyle(source);
  const w = new Writer(source, style);
  const used = new Set<Export>(['setupSignalHandlers']);
  const notes: string[] = [];
  const refusals: { line: number; reason: string }[] = [];

  const existing = findExistingShutdown(sf);
  const scan = findServers(sf, opts.frameworks ? { frameworks: opts.frameworks } : {});
  for (const b of scan.blocked) refusals.push(b);
  for (const lib of existing.libraries) {
    refusals.push({
      line: lib.line,
      reason: `it already uses ${lib.module} for shutdown (line ${lib.line}); remove ${lib.module} and the code that uses it, or keep it and leave out the entrypoint part (--only)`,
    });
  }
  for (const d of existing.dynamic) {
    refusals.push({ line: d.line, reason: `it installs signal listeners in a loop (line ${d.line}: \`${d.text}\`); remove them` });
  }

  // Nest: enableShutdownHooks() installs Nest's own signal listeners; app.close() runs the same
  // lifecycle hooks, so the registration replaces it.
  const nestRefs = new Set(scan.targets.filter((t) => t.kind === 'nest').map((t) => t.ref));
  for (const hook of existing.nestHooks) {
    if (!hook.statement) {
      refusals.push({
        line: hook.line,
        reason: `\`${hook.receiver}.enableShutdownHooks()\` (line ${hook.line}) is part of a larger expression; remove it`,
      });
      continue;
    }
    const replacement = nestRefs.has(hook.receiver) ? [] : [closeRegistration('nest', hook.receiver, style, nestRefs.size > 0)];
    if (replacement.length > 0) used.add('registerShutdownHandler');
    w.removeStatements([hook.statement], replacement);
    notes.push(
      `removed \`${hook.receiver}.enableShutdownHooks()\` (line ${hook.line}): Nest's own signal listeners would compete with setupSignalHandlers(); ${hook.receiver}.close() still runs your onModuleDestroy/onApplicationShutdown hooks (without the signal argument)`,
    );
  }

  // Code that only runs when the file is executed directly: the listeners belong there too.
  const guard = mainGuard(scan.targets);

  // Registrations for what the file starts.
  const countByKind = new Map<string, number>();
  for (const t of scan.targets) countByKind.set(t.kind, (countByKind.get(t.kind) ?? 0) + 1);
  for (const t of scan.targets) {
    // Vite's HMR sockets first (1001 while the servers drain), then its close() among the cleanups.
    const viteWs = t.kind === 'vite' && opts.viteWebSocket === true;
    if (viteWs) used.add('registerWebSocketServer');
    const code = [
      ...(viteWs ? [`registerWebSocketServer(${t.ref}.ws)${style.semi ? ';' : ''}`] : []),
      ...registrations(t, style, (countByKind.get(t.kind) ?? 0) > 1),
    ];
    for (const e of exportsFor(t)) used.add(e);
    if (t.capture?.via === 'statement') {
      w.insertAt(
        t.capture.statement.getStart(),
        `${style.declare} ${t.capture.name} = `,
        `line ${t.line}: store the server: \`${style.declare} ${t.capture.name} = ${firstLine(t.capture.statement.getText())}\``,
      );
      w.insertAfter(t.after, code);
    } else if (t.capture?.via === 'braces') {
      // `if (!module.parent) app.listen(3000)`: the branch becomes a block that stores and registers the server
      // (and calls setupSignalHandlers() first when the `if` is the file's main guard).
      const st = t.capture.statement;
      const outer = indentAt(source, (st.getParent() as TsNode).getStart());
      const inner = outer + indentUnit(source);
      const lines = [
        ...(guard?.braces === st ? [`setupSignalHandlers()${style.semi ? ';' : ''}`] : []),
        `${style.declare} ${t.capture.name} = ${source.slice(st.getStart(), endOf(source, st))}`,
        ...code,
      ];
      const end = endOf(source, st);
      w.replace(
        st.getStart(),
        end,
        `{${lines.map((l) => style.eol + inner + l).join('')}${style.eol}${outer}}`,
        `line ${t.line}: put the branch in braces and store the server: \`{ ${lines.join(' ')} }\``,
      );
    } else if (t.capture?.via === 'return') {
      w.replace(
        t.capture.statement.getStart(),
        t.capture.expression.getStart(),
        `${style.declare} ${t.capture.name} = `,
        `line ${t.line}: store the server in \`${t.capture.name}\` before returning it`,
      );
      w.insertAfter(t.after, [...code, `return ${t.capture.name}${style.semi ? ';' : ''}`]);
    } else {
      w.insertAfter(t.after, code);
    }
  }
  if (scan.targets.length === 0 && existing.nestHooks.length === 0) {
    notes.push(
      'no server found in this file: setupSignalHandlers() is added; register what must be closed with registerShutdownHandler(name, fn)',
    );
  }

  // An existing SIGTERM/SIGINT listener: replaced when it only closes things and exits.
  const serverRefs = new Set(scan.targets.map((t) => t.ref));
  const analysed = new Map<TsNode, ReturnType<typeof analyseListener>>();
  const cleanups: Cleanup[] = [];
  const removable: Statement[] = [];
  const declarations = new Set<Statement>();
  for (const l of existing.listeners) {
    if (!l.statement) {
      refusals.push({
        line: l.line,
        reason: `it has a process.on('${l.signal}') listener inside an expression (line ${l.line}); remove it`,
      });
      continue;
    }
    if (!l.fn) {
      refusals.push({
        line: l.line,
        reason: `it has a process.on('${l.signal}') listener defined elsewhere (line ${l.line}); remove it and register its cleanup with registerShutdownHandler()`,
      });
      continue;
    }
    let body = analysed.get(l.fn);
    if (!body) {
      body = analyseListener(l.fn, serverRefs);
      analysed.set(l.fn, body);
    }
    if (!body.simple) {
      refusals.push({
        line: l.line,
        reason: `it already handles ${l.signal} (line ${l.line}) and the listener is not a plain close-and-exit: ${body.why}; remove that process.on('${l.signal}', ...) listener and move its cleanup into registerShutdownHandler(name, fn)`,
      });
      continue;
    }
    for (const c of body.cleanups) if (!cleanups.some((x) => x.name === c.name)) cleanups.push(c);
    removable.push(l.statement);
    if (l.declaration) declarations.add(l.declaration);
  }
  for (const decl of declarations) {
    const name =
      (Node.isFunctionDeclaration(decl)
        ? decl.getName()
        : Node.isVariableStatement(decl)
          ? decl.getDeclarations()[0]?.getName()
          : undefined) ?? '';
    const uses = sf.getDescendantsOfKind(loadTsMorph().SyntaxKind.Identifier).filter((i) => i.getText() === name).length;
    const listenerUses = existing.listeners.filter((l) => l.declaration === decl).length;
    if (uses === listenerUses + 1) removable.push(decl);
    else notes.push(`kept \`${name}\` (line ${decl.getStartLineNumber()}): it is used elsewhere besides the signal listeners`);
  }
  if (removable.length > 0) {
    removable.sort((a, b) => a.getStart() - b.getStart());
    const replacement = cleanups.map((c) => `registerShutdownHandler(${quoted(c.name, style)}, () => ${c.call})${style.semi ? ';' : ''}`);
    if (replacement.length > 0) used.add('registerShutdownHandler');
    w.removeStatements(removable, replacement);
    const lines = existing.listeners
      .filter((l) => l.statement && removable.includes(l.statement))
      .map((l) => `process.on('${l.signal}') (line ${l.line})`);
    notes.push(
      `replaced ${lines.join(', ')} with setupSignalHandlers()${cleanups.length > 0 ? ` and registerShutdownHandler() for ${cleanups.map((c) => c.name).join(', ')}` : ''}: two competing listeners would race to exit`,
    );
  }

  insertImportAndSetup(sf, w, style, opts, [...used], guard);

  if (refusals.length > 0) {
    refusals.sort((a, b) => a.line - b.line);
    const first = refusals[0] as { line: number; reason: string };
    return {
      text: false,
      notes: [],
      refused: { reason: `not edited: ${refusals.map((r) => r.reason).join('; ')}`, manual: w.manual, line: first.line },
      data: null,
    };
  }
  const text = w.apply();
  const registered = scan.targets.length + existing.nestHooks.length;
  return { text: text === source ? false : text, notes: notes.map((m) => note('info', m)), data: { registered, manual: w.manual } };
}

/** Shutdown code a file already has (signal listeners, shutdown libraries, Nest's enableShutdownHooks), by line. */
export function shutdownCodeIn(source: string, fileName: string): { line: number; text: string }[] {
  const sf = parseSource(source, /\.\w+$/.test(fileName.split('/').pop() ?? '') ? fileName : `${fileName}.js`);
  const found = findExistingShutdown(sf);
  const lineText = (line: number): string => (source.split(/\r?\n/)[line - 1] ?? '').trim();
  return [
    ...found.libraries.map((l) => ({ line: l.line, text: lineText(l.line) })),
    ...found.listeners.map((l) => ({ line: l.line, text: lineText(l.line) })),
    ...found.dynamic.map((d) => ({ line: d.line, text: d.text })),
    ...found.nestHooks.map((h) => ({ line: h.line, text: lineText(h.line) })),
  ].sort((a, b) => a.line - b.line);
}

function alreadyWired(sf: SourceFile, specifier: string): boolean {
  const stem = (s: string): string => s.replace(/\.[cm]?[jt]sx?$/, '');
  for (const [name, b] of collectBindings(sf)) {
    if (stem(b.module) === stem(specifier)) return true;
    if (name === 'setupSignalHandlers' && b.module.startsWith('.')) return true;
  }
  return false;
}

function exportsFor(t: Target): Export[] {
  if (t.kind === 'http') return ['registerHttpServer'];
  if (t.kind === 'ws') return ['registerWebSocketServer'];
  if (t.kind === 'fastify' || (t.kind === 'nest' && !t.microservice)) return ['registerHttpServer', 'registerShutdownHandler'];
  return ['registerShutdownHandler'];
}

/**
 * What each kind needs so the process stops at the floor, not at the deadline:
 * - Fastify and Nest: their node server is drained like any other (in-flight answered with
 *   `Connection: close`, sockets that go idle closed), then `close()` runs their hooks (onClose,
 *   onModuleDestroy/onApplicationShutdown) once the server is closed; `close()` alone waits on
 *   keep-alive sockets until the deadline.
 * - socket.io: its clients hold the HTTP server open (upgraded sockets, long polls), so they are
 *   disconnected as the drain starts (`phase: 'drain'`), not after it.
 */
function registrations(t: Target, style: SourceStyle, several: boolean): string[] {
  const end = style.semi ? ';' : '';
  if (t.kind === 'http') return [`registerHttpServer(${t.ref})${end}`];
  if (t.kind === 'ws') return [`registerWebSocketServer(${t.ref})${end}`];
  if (t.kind === 'fastify') return [`registerHttpServer(${t.ref}.server)${end}`, closeRegistration(t.kind, t.ref, style, several)];
  if (t.kind === 'nest' && !t.microservice)
    return [`registerHttpServer(${t.ref}.getHttpServer())${end}`, closeRegistration(t.kind, t.ref, style, several)];
  if (t.kind === 'socket.io') {
    const name = several ? `${t.kind}:${t.ref}` : t.kind;
    // disconnectSockets(true) tells each client the server ended the session ('io server disconnect'),
    // so it does not reconnect into a stopping server; close() then ends the engine and waits for the server.
    return [
      `registerShutdownHandler(${quoted(name, style)}, () => { ${t.ref}.disconnectSockets(true)${style.semi ? ';' : ''} return ${t.ref}.close()${style.semi ? ';' : ''} }, { phase: ${quoted('drain', style)} })${end}`,
    ];
  }
  return [closeRegistration(t.kind, t.ref, style, several)];
}

function closeRegistration(kind: Target['kind'], ref: string, style: SourceStyle, several: boolean): string {
  const end = style.semi ? ';' : '';
  const name = several ? `${kind}:${ref}` : kind;
  return `registerShutdownHandler(${quoted(name, style)}, () => ${ref}.close())${end}`;
}

function quoted(text: string, style: SourceStyle): string {
  return style.quote + text.replaceAll('\\', '\\\\').replaceAll(style.quote, `\\${style.quote}`) + style.quote;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? '';
  return line.length < text.length ? `${line} …` : line;
}

/** End of a statement's own code (see statementEnd). */
function endOf(source: string, st: TsNode): number {
  return statementEnd(source, st.getStart(), st.getEnd());
}

function insertImportAndSetup(
  sf: SourceFile,
  w: Writer,
  style: SourceStyle,
  opts: WireOptions,
  used: Export[],
  mainBlock: MainGuard | null,
): void {
  const { Node } = loadTsMorph();
  const names = EXPORTS_IN_ORDER.filter((n) => used.includes(n));
  const statements = sf.getStatements();
  const isTs = /\.[cm]?tsx?$/.test(opts.fileName);
  const form = opts.importForm ?? 'import';
  const useImport = form === 'import' && (opts.moduleSystem === 'esm' || isTs || statements.some((s) => Node.isImportDeclaration(s)));
  const end = style.semi ? ';' : '';
  const importLine = useImport
    ? `import { ${names.join(', ')} } from ${quoted(opts.specifier, style)}${end}`
    : form === 'import-require'
      ? `import gracefulShutdown = require(${quoted(opts.specifier, style)})${end}\nconst { ${names.join(', ')} } = gracefulShutdown${end}`
      : `${style.declare} { ${names.join(', ')} } = require(${quoted(opts.specifier, style)})${end}`;
  const setupLine = `setupSignalHandlers()${end}`;

  const isDirective = (s: Statement): boolean => Node.isExpressionStatement(s) && Node.isStringLiteral(s.getExpression());
  const isImportLike = (s: Statement): boolean => {
    if (Node.isImportDeclaration(s) || Node.isImportEqualsDeclaration(s)) return true;
    // `require('x')`, `require('x').y`, `await import('x')`; not `require('fastify')()`, which creates something.
    const loads = (t: string): boolean => /^(require|await\s+import)\(\s*(['"`])[^'"`]+\2\s*\)(\.[\w$]+)*$/.test(t);
    if (Node.isVariableStatement(s)) return s.getDeclarations().every((d) => loads(d.getInitializer()?.getText() ?? ''));
    if (Node.isExpressionStatement(s))
      return loads(s.getExpression().getText()) || /^require\(\s*(['"])[^'"]+\1\s*\)\.config\([^)]*\)$/.test(s.getExpression().getText());
    return false;
  };
  let directivesEnd = 0;
  while (directivesEnd < statements.length && isDirective(statements[directivesEnd] as Statement)) directivesEnd += 1;
  let anchor: Statement | undefined;
  for (let i = directivesEnd; i < statements.length && isImportLike(statements[i] as Statement); i++) anchor = statements[i];
  for (const s of statements) if (Node.isImportDeclaration(s) && (!anchor || s.getStart() > anchor.getStart())) anchor = s;

  // In a braced main guard the setup call goes in the block; in an unbraced one, in the block the registration makes.
  const guard = mainBlock?.block ?? null;
  const placed = mainBlock !== null;
  const eol = style.eol;
  if (anchor) {
    w.insertImport(
      lineEnd(w.source, endOf(w.source, anchor)),
      eol + importLine + (placed ? '' : eol + eol + w.guarded(setupLine, lineEnd(w.source, endOf(w.source, anchor)))),
      [
        `after line ${lineNumberAt(w.source, endOf(w.source, anchor))}: ${importLine}`,
        ...(placed ? [] : [`after the imports: ${setupLine}`]),
      ],
    );
  } else if (directivesEnd > 0) {
    const last = statements[directivesEnd - 1] as Statement;
    w.insertImport(
      lineEnd(w.source, endOf(w.source, last)),
      eol + eol + importLine + (placed ? '' : eol + eol + w.guarded(setupLine, lineEnd(w.source, endOf(w.source, last)))),
      [`after line ${lineNumberAt(w.source, endOf(w.source, last))}: ${importLine}`, ...(placed ? [] : [`then: ${setupLine}`])],
    );
  } else {
    const first = statements[0];
    const at = first ? lineStart(w.source, first.getStart()) : w.source.length;
    const body = importLine + (placed ? '' : eol + eol + w.guarded(setupLine, at));
    w.insertImport(at, first ? body + eol + eol : (w.source.length > 0 && !w.source.endsWith('\n') ? eol : '') + body + eol, [
      `at the top: ${importLine}`,
      ...(placed ? [] : [`then: ${setupLine}`]),
    ]);
  }
  if (guard) {
    const firstInBlock = guard.getStatements()[0];
    const indent = firstInBlock ? indentAt(w.source, firstInBlock.getStart()) : `${indentAt(w.source, guard.getStart())}  `;
    const pos = lineEnd(w.source, guard.getStart());
    w.insertText(pos, eol + indent + w.guarded(setupLine, pos), [
      `after line ${guard.getStartLineNumber()} (inside the block): ${setupLine}`,
    ]);
  }
}

/**
 * Where the file's main guard (`if (require.main === module)`, `if (!module.parent)`, `if (import.meta.main ...)`)
 * holds every target: its block, or (`braces`) the unbraced branch that the registration turns into a block.
 */
interface MainGuard {
  block?: import('ts-morph').Block;
  braces?: Statement;
}

const MAIN_GUARD = /require\.main\s*===?\s*module|module\s*===?\s*require\.main|^!\s*module\.parent$|import\.meta\.(main|url|filename)/;

function mainGuard(targets: Target[]): MainGuard | null {
  const { Node } = loadTsMorph();
  if (targets.length === 0) return null;
  if (targets.length === 1 && targets[0]?.capture?.via === 'braces') {
    const st = targets[0].capture.statement;
    const parent = st.getParent();
    return parent &&
      Node.isIfStatement(parent) &&
      parent.getThenStatement() === st &&
      MAIN_GUARD.test(parent.getExpression().getText().trim())
      ? { braces: st }
      : null;
  }
  let found: import('ts-morph').Block | null = null;
  for (const t of targets) {
    let block: import('ts-morph').Block | null = null;
    for (let n: TsNode | undefined = t.after; n; n = n.getParent()) {
      if (Node.isIfStatement(n) && MAIN_GUARD.test(n.getExpression().getText().trim())) {
        const then = n.getThenStatement();
        if (Node.isBlock(then) && then.getStart() <= t.after.getStart() && t.after.getEnd() <= then.getEnd()) block = then;
      }
    }
    if (!block || (found && found !== block)) return null;
    found = block;
  }
  return found ? { block: found } : null;
}

/** The file's indentation step: the first indented line's leading whitespace, or two spaces. */
function indentUnit(source: string): string {
  const m = /\n([ \t]+)\S/.exec(source);
  return m?.[1] ?? '  ';
}

/** Collects splices and the equivalent hand instructions, in the file's style. */
class Writer {
  private readonly splices: Splice[] = [];
  private readonly instructions: { at: number; priority: number; text: string }[] = [];

  constructor(
    readonly source: string,
    private readonly style: SourceStyle,
  ) {}

  /** Without semicolons, a line followed by `(`, `[` or a template would join the next line: end it with `;`. */
  guarded(code: string, nextAt: number): string {
    if (this.style.semi || !continuesPreviousLine(this.source, nextAt) || code.endsWith(';')) return code;
    return `${code};`;
  }

  /** Hand instructions equivalent to the splices, in file order. */
  get manual(): string[] {
    return [...this.instructions].sort((a, b) => a.at - b.at || a.priority - b.priority).map((m) => m.text);
  }

  private note(at: number, text: string, priority = 1): void {
    this.instructions.push({ at, priority, text });
  }

  /** The import and setup call: first among insertions at the same place (a require must precede its use). */
  insertImport(at: number, text: string, manual: string[]): void {
    this.splices.push({ start: at, end: at, text, priority: 0 });
    for (const m of manual) this.note(at, m, 0);
  }

  insertText(at: number, text: string, manual: string[]): void {
    this.splices.push({ start: at, end: at, text });
    for (const m of manual) this.note(at, m);
  }

  insertAt(at: number, text: string, manual: string): void {
    this.insertText(at, text, [manual]);
  }

  replace(start: number, end: number, text: string, manual: string): void {
    this.splices.push({ start, end, text });
    this.note(start, manual);
  }

  /** New lines after a statement, with its indentation. */
  insertAfter(st: Statement, lines: string[]): void {
    const at = lineEnd(this.source, endOf(this.source, st));
    const indent = indentAt(this.source, st.getStart());
    const text = lines.map((l, i) => this.style.eol + indent + (i === lines.length - 1 ? this.guarded(l, at) : l)).join('');
    this.splices.push({ start: at, end: at, text });
    for (const l of lines) this.note(at, `after line ${lineNumberAt(this.source, at)}: ${l}`);
  }

  /**
   * Deletes statements with their lines (and the `//` comment lines right above each), leaving
   * `replacement` lines where the first one was. Neighbouring removals merge, so deleting the
   * last lines of a file or a run of listeners leaves no stray blank line.
   */
  removeStatements(statements: Statement[], replacement: string[]): void {
    const src = this.source;
    const ranges: { start: number; end: number; indent: string }[] = [];
    for (const st of [...statements].sort((a, b) => a.getStart() - b.getStart())) {
      const stEnd = endOf(src, st);
      const startLine = lineStart(src, st.getStart());
      const rest = src.slice(stEnd, lineEnd(src, stEnd));
      if (src.slice(startLine, st.getStart()).trim() !== '' || !/^[ \t]*(;)?[ \t]*(\/\/.*)?$/.test(rest)) {
        // Shares a line with other code: remove just the statement.
        ranges.push({ start: st.getStart(), end: stEnd, indent: '' });
      } else {
        let start = startLine;
        while (start > 0) {
          const prevStart = lineStart(src, start - 1);
          if (!/^[ \t]*\/\/.*\r?\n$/.test(src.slice(prevStart, start))) break;
          start = prevStart;
        }
        ranges.push({ start, end: nextLineStart(src, stEnd), indent: indentAt(src, st.getStart()) });
      }
      this.note(
        st.getStart(),
        `remove line${st.getStartLineNumber() === st.getEndLineNumber() ? '' : 's'} ${st.getStartLineNumber()}${st.getStartLineNumber() === st.getEndLineNumber() ? '' : `-${st.getEndLineNumber()}`}: ${firstLine(st.getText())}`,
      );
    }
    const merged: typeof ranges = [];
    for (const r of ranges) {
      const prev = merged[merged.length - 1];
      if (prev && src.slice(prev.end, r.start).trim() === '') prev.end = r.end;
      else merged.push({ ...r });
    }
    merged.forEach((r, i) => {
      const lines = i === 0 ? replacement : [];
      const wholeLines = r.start === lineStart(src, r.start) && (r.end === src.length || src[r.end - 1] === '\n');
      if (!wholeLines) {
        this.splices.push({ start: r.start, end: r.end, text: lines.join(' ') });
        return;
      }
      let { start, end } = r;
      const blank = (from: number): boolean => /^[ \t]*(\r?\n|$)/.test(src.slice(from, nextLineStart(src, from)));
      const blankBefore = start === 0 || blank(lineStart(src, start - 1));
      const blankAfter = end >= src.length || blank(end);
      if (lines.length === 0 && blankBefore && blankAfter) {
        if (end < src.length) end = nextLineStart(src, end);
        else if (start > 0) start = lineStart(src, start - 1);
      }
      this.splices.push({ start, end, text: lines.map((l) => r.indent + l + this.style.eol).join('') });
      if (lines.length > 0) for (const l of lines) this.note(r.start, `in their place: ${l}`);
    });
  }

  apply(): string {
    return applySplices(this.source, this.splices);
  }
}
