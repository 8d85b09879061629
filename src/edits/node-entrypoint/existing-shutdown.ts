/**
 * Shutdown code the file already has, which would compete with ours: `process.on('SIGTERM')`
 * listeners, graceful-shutdown libraries, NestJS `enableShutdownHooks()`. A listener whose body
 * only closes things and exits is "simple": it can be replaced by registrations.
 */
import type { Node as TsNode, SourceFile, Statement } from 'ts-morph';
import { importedModules } from './bindings.js';
import { loadTsMorph } from '../../core/ts-morph.js';

/** Libraries that install their own signal handling or drain servers their own way. */
export const SHUTDOWN_LIBRARIES = [
  '@godaddy/terminus',
  'stoppable',
  'http-terminator',
  'close-with-grace',
  'lightship',
  'http-graceful-shutdown',
  'async-exit-hook',
  'exit-hook',
  'node-cleanup',
  '@moebius/http-graceful-shutdown',
];
export const COMPETING_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGBREAK']);

export interface SignalListener {
  signal: string;
  /** `process.on(...)` as a statement of its own, or null when it is part of an expression. */
  statement: Statement | null;
  /** The listener function (inline, or the declaration a name refers to). */
  fn: TsNode | null;
  /** A named listener's own declaration, removed with the listeners when nothing else uses it. */
  declaration: Statement | null;
  line: number;
}

export interface ExistingShutdown {
  libraries: { module: string; line: number }[];
  listeners: SignalListener[];
  /** `process.on(sig, ...)` with a signal that is not a literal (a loop over signals). */
  dynamic: { line: number; text: string }[];
  /** `app.enableShutdownHooks()` calls. */
  nestHooks: { statement: Statement | null; receiver: string; line: number }[];
}

const PROCESS_LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

export function findExistingShutdown(sf: SourceFile): ExistingShutdown {
  const { Node, SyntaxKind } = loadTsMorph();
  const libraries = importedModules(sf)
    .filter((m) => SHUTDOWN_LIBRARIES.includes(m.module))
    .map((m) => ({ module: m.module, line: m.node.getStartLineNumber() }));
  const listeners: SignalListener[] = [];
  const dynamic: ExistingShutdown['dynamic'] = [];
  const nestHooks: ExistingShutdown['nestHooks'] = [];
  const ownStatement = (call: TsNode): Statement | null => {
    const p = call.getParent();
    const gp = p?.getParent();
    return p && Node.isExpressionStatement(p) && gp && (Node.isBlock(gp) || Node.isSourceFile(gp)) ? p : null;
  };

  for (const call of sf.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const method = callee.getName();
    const obj = callee.getExpression();
    if (method === 'enableShutdownHooks') {
      nestHooks.push({ statement: ownStatement(call), receiver: obj.getText(), line: call.getStartLineNumber() });
      continue;
    }
    if (!PROCESS_LISTEN.has(method) || obj.getText() !== 'process') continue;
    const [sigArg, fnArg] = call.getArguments();
    if (!sigArg) continue;
    if (!Node.isStringLiteral(sigArg) && !Node.isNoSubstitutionTemplateLiteral(sigArg)) {
      dynamic.push({ line: call.getStartLineNumber(), text: call.getText().split('\n')[0] ?? '' });
      continue;
    }
    const signal = sigArg.getLiteralValue();
    if (!COMPETING_SIGNALS.has(signal)) continue;
    let fn: TsNode | null = null;
    let declaration: Statement | null = null;
    if (fnArg && (Node.isArrowFunction(fnArg) || Node.isFunctionExpression(fnArg))) fn = fnArg;
    else if (fnArg && Node.isIdentifier(fnArg)) {
      const found = namedFunction(sf, fnArg.getText());
      if (found) ({ fn, declaration } = found);
    }
    listeners.push({ signal, statement: ownStatement(call), fn, declaration, line: call.getStartLineNumber() });
  }
  return { libraries, listeners, dynamic, nestHooks };
}

/** `function name() {}` or `const name = () => {}` / `function () {}` at any depth. */
function namedFunction(sf: SourceFile, name: string): { fn: TsNode; declaration: Statement } | null {
  const { Node, SyntaxKind } = loadTsMorph();
  for (const f of sf.getDescendantsOfKind(SyntaxKind.FunctionDeclaration)) {
    if (f.getName() === name) return { fn: f, declaration: f };
  }
  for (const d of sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const init = d.getInitializer();
    const st = d.getVariableStatement();
    if (
      d.getName() === name &&
      init &&
      st &&
      st.getDeclarations().length === 1 &&
      (Node.isArrowFunction(init) || Node.isFunctionExpression(init))
    ) {
      return { fn: init, declaration: st };
    }
  }
  return null;
}

/** Something the old listener cleaned up, to register instead: `db.close()` → ('db', 'db.close()'). */
export interface Cleanup {
  name: string;
  call: string;
}

export type ListenerBody = { simple: true; cleanups: Cleanup[] } | { simple: false; why: string };

const CLOSE_METHODS = new Set(['close', 'end', 'quit', 'disconnect', 'destroy', 'stop', 'terminate', '$disconnect', 'shutdown']);
const LOG_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'fatal']);

/**
 * Simple = only logging, `process.exit`, force-exit timers, and `x.close()`-like calls (with at
 * most a callback that is itself simple). Closing something we register anyway (`servers`) is
 * dropped; closing anything else becomes a Cleanup.
 */
export function analyseListener(fn: TsNode, servers: ReadonlySet<string>): ListenerBody {
  const { Node } = loadTsMorph();
  const cleanups: Cleanup[] = [];
  const fail = (n: TsNode, what: string): ListenerBody => ({
    simple: false,
    why: `${what} (line ${n.getStartLineNumber()}: \`${n.getText().split('\n')[0]}\`)`,
  });

  const visitBody = (body: TsNode): ListenerBody | null => {
    if (Node.isBlock(body)) {
      for (const st of body.getStatements()) {
        if (Node.isEmptyStatement(st)) continue;
        if (!Node.isExpressionStatement(st)) return fail(st, 'it does more than close and exit');
        const r = visitExpression(st.getExpression());
        if (r) return r;
      }
      return null;
    }
    return visitExpression(body);
  };

  const visitExpression = (expr: TsNode): ListenerBody | null => {
    let e = expr;
    while (Node.isAwaitExpression(e) || Node.isVoidExpression(e) || Node.isParenthesizedExpression(e)) e = e.getExpression();
    if (!Node.isCallExpression(e)) return fail(expr, 'it does more than close and exit');
    const callee = e.getExpression();
    const args = e.getArguments();
    const calleeText = callee.getText();
    if (calleeText === 'process.exit') return null;
    if (Node.isPropertyAccessExpression(callee)) {
      const method = callee.getName();
      const recv = callee.getExpression();
      const recvText = recv.getText();
      if (LOG_METHODS.has(method) && /^(console|log|logger|this\.logger|app\.log|fastify\.log|server\.log)$/.test(recvText)) return null;
      // setTimeout(...).unref(): a force-exit timer; the generated module has its own deadline.
      if (method === 'unref' && Node.isCallExpression(recv) && recv.getExpression().getText() === 'setTimeout') return null;
      // Closing a registered server's connections is part of the drain the module does.
      if ((method === 'closeIdleConnections' || method === 'closeAllConnections') && servers.has(recvText) && args.length === 0)
        return null;
      if (CLOSE_METHODS.has(method)) {
        const callbacks = args.filter((a) => Node.isArrowFunction(a) || Node.isFunctionExpression(a));
        if (args.length > callbacks.length) return fail(e, 'it closes something with arguments');
        if (callbacks.length > 1) return fail(e, 'it closes something with several callbacks');
        const isServer = servers.has(recvText);
        if (callbacks.length === 1) {
          if (!isServer) return fail(e, 'it waits on a close callback');
          const cb = callbacks[0];
          if (!cb || !(Node.isArrowFunction(cb) || Node.isFunctionExpression(cb))) return fail(e, 'unexpected callback');
          if (cb.getParameters().length > 0 && /\berr/.test(cb.getBody().getText())) return fail(cb, 'it handles a close error');
          const inner = visitBody(cb.getBody());
          if (inner) return inner;
        }
        if (!isServer && !cleanups.some((c) => c.name === recvText)) cleanups.push({ name: recvText, call: `${recvText}.${method}()` });
        return null;
      }
    }
    if (calleeText === 'setTimeout' && args[0] && /^\s*(\(\s*\)|\w+)\s*=>\s*\{?\s*process\.exit\(/.test(args[0].getText())) return null;
    if ((calleeText === 'clearInterval' || calleeText === 'clearTimeout') && args.length === 1 && args[0]) {
      const t = args[0].getText();
      if (!cleanups.some((c) => c.name === t)) cleanups.push({ name: t, call: `${calleeText}(${t})` });
      return null;
    }
    return fail(e, 'it does more than close and exit');
  };

  if (!(Node.isArrowFunction(fn) || Node.isFunctionExpression(fn) || Node.isFunctionDeclaration(fn)))
    return { simple: false, why: 'the listener is not a plain function' };
  const body = fn.getBody();
  if (!body) return { simple: false, why: 'the listener has no body' };
  return visitBody(body) ?? { simple: true, cleanups };
}
