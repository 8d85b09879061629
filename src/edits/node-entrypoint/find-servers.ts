/**
 * Finds what the entry file starts that needs closing on shutdown: HTTP servers (created or
 * returned by `app.listen`), WebSocket servers, socket.io, Fastify and NestJS apps. Each becomes
 * a Target: what to register and the statement to register it after. Shapes with no safe place
 * to insert a statement become Blocked, with the reason.
 */
import type { Expression, Node as TsNode, SourceFile, Statement } from 'ts-morph';
import { bareModule, collectBindings, requiredModule, type Binding } from './bindings.js';
import { loadTsMorph } from '../../core/ts-morph.js';

/** 'vite': a Vite dev server created through its API (`createServer` from 'vite'), e.g. in middleware mode. */
export type TargetKind = 'http' | 'ws' | 'socket.io' | 'fastify' | 'nest' | 'vite';

export interface Target {
  kind: TargetKind;
  /** Expression naming the thing to register: 'server', 'this.server', 'app'. */
  ref: string;
  /** Register right after this statement. */
  after: Statement;
  /**
   * The value is not stored yet: store it in a new const named `name` first. 'braces': the statement is
   * the unbraced branch of an `if` (`if (!module.parent) app.listen(3000)`): it becomes a block.
   */
  capture?: { statement: Statement; expression: Expression; name: string; via: 'statement' | 'return' | 'braces' };
  line: number;
  /** A Nest microservice (`createMicroservice`): no HTTP server to drain. */
  microservice?: boolean;
}

export interface Blocked {
  line: number;
  reason: string;
}

export interface ServerScan {
  targets: Target[];
  blocked: Blocked[];
}

/** Value kinds: servers to register, plus 'app' (an Express/Koa app, not a server yet). */
type ValueKind = TargetKind | 'app';

/**
 * What an expression produces. 'listen' = a new HTTP server returned by `<app>.listen()`;
 * 'same-http' = `<known server>.listen()` (already registered where created);
 * 'none' = a Fastify/Nest listen (their instance is registered instead); 'ambiguous' = the
 * listen of something imported that is awaited (Fastify returns a promise, not a server).
 */
type Produced = ValueKind | 'listen' | 'same-http' | 'none' | 'ambiguous' | null;

export interface ScanOptions {
  /** Frameworks the package depends on: decides what an imported app's `listen()` returns. */
  frameworks?: readonly string[];
}

const HTTP_MODULES = new Set(['http', 'https', 'http2']);

export function findServers(sf: SourceFile, options: ScanOptions = {}): ServerScan {
  const tsMorph = loadTsMorph();
  const { Node, SyntaxKind } = tsMorph;
  const bindings = collectBindings(sf);
  const env = new Map<string, ValueKind>();
  const frameworks = new Set(options.frameworks ?? []);

  const unwrap = (e: TsNode): TsNode => {
    let cur = e;
    for (;;) {
      if (
        Node.isAwaitExpression(cur) ||
        Node.isParenthesizedExpression(cur) ||
        Node.isAsExpression(cur) ||
        Node.isNonNullExpression(cur) ||
        Node.isSatisfiesExpression(cur) ||
        Node.isTypeAssertion(cur)
      )
        cur = cur.getExpression();
      else return cur;
    }
  };
  const isAwaited = (e: TsNode): boolean => {
    for (let p = e.getParent(); p; p = p.getParent()) {
      if (Node.isAwaitExpression(p)) return true;
      if (!Node.isParenthesizedExpression(p)) break;
    }
    return false;
  };
  const binding = (name: string): Binding | undefined => bindings.get(name);
  const moduleOfCallee = (callee: TsNode): { module: string; imported: string } | null => {
    if (Node.isIdentifier(callee)) {
      const b = binding(callee.getText());
      return b ? { module: bareModule(b.module), imported: b.imported } : null;
    }
    const req = requiredModule(callee);
    if (req) return { module: bareModule(req.module), imported: req.property ?? '*' };
    return null;
  };

  const kindOfReceiver = (obj: TsNode): ValueKind | 'unknown' => {
    const o = unwrap(obj);
    if (Node.isIdentifier(o)) return env.get(o.getText()) ?? 'unknown';
    const p = produced(o);
    if (p === 'listen' || p === 'same-http') return 'http';
    if (p === null || p === 'none' || p === 'ambiguous') return 'unknown';
    return p;
  };

  // Fastify and Nest apps imported from elsewhere: the package's dependencies decide.
  const guessImportedApp = (): 'fastify' | 'nest' | null => {
    const webApps = ['express', 'koa'].filter((f) => frameworks.has(f));
    if (webApps.length > 0) return null;
    if (frameworks.has('fastify') && !frameworks.has('nestjs')) return 'fastify';
    if (frameworks.has('nestjs') && !frameworks.has('fastify')) return 'nest';
    return null;
  };

  function produced(expr: TsNode): Produced {
    const e = unwrap(expr);
    if (Node.isCallExpression(e)) {
      const callee = e.getExpression();
      if (Node.isPropertyAccessExpression(callee)) {
        const name = callee.getName();
        const obj = callee.getExpression();
        if (name === 'listen') {
          const k = kindOfReceiver(obj);
          if (k === 'fastify' || k === 'nest' || k === 'ws' || k === 'socket.io' || k === 'vite') return 'none';
          // `server.listen()` on a known server: registered where it was created. `createServer(h).listen()`: a new one.
          if (k === 'http') return Node.isIdentifier(unwrap(obj)) ? 'same-http' : 'http';
          if (k === 'unknown') {
            const guess = guessImportedApp();
            if (guess !== null) return 'none';
            if (isAwaited(e) || isThenReceiver(e)) return 'ambiguous';
          }
          return 'listen';
        }
        if (name === 'on' || name === 'once') {
          const inner = produced(obj);
          return inner === 'listen' || inner === 'same-http' || inner === 'http' ? inner : null;
        }
        const objText = unwrap(obj).getText();
        const objBinding = Node.isIdentifier(unwrap(obj)) ? binding(objText) : undefined;
        const objModule = objBinding ? bareModule(objBinding.module) : requiredModule(unwrap(obj))?.module;
        if (
          (name === 'createServer' || name === 'createSecureServer') &&
          objModule !== undefined &&
          HTTP_MODULES.has(bareModule(objModule))
        )
          return 'http';
        if ((name === 'create' || name === 'createMicroservice') && (objText === 'NestFactory' || objBinding?.imported === 'NestFactory'))
          return 'nest';
        if (name === 'createServer' && objModule !== undefined && bareModule(objModule) === 'vite') return 'vite';
        return null;
      }
      const m = moduleOfCallee(callee);
      if (m) {
        if (HTTP_MODULES.has(m.module) && (m.imported === 'createServer' || m.imported === 'createSecureServer')) return 'http';
        if (m.module === 'fastify') return 'fastify';
        if (m.module === 'vite' && m.imported === 'createServer') return 'vite';
        if (m.module === 'socket.io' && (m.imported === 'default' || m.imported === '*')) return 'socket.io';
        if (m.module === 'express' || m.module === 'koa') return 'app';
      }
      return null;
    }
    if (Node.isNewExpression(e)) {
      const cls = e.getExpression();
      if (Node.isIdentifier(cls)) {
        const b = binding(cls.getText());
        const mod = b ? bareModule(b.module) : null;
        if (mod === 'ws' && (b?.imported === 'WebSocketServer' || b?.imported === 'Server')) return 'ws';
        if (mod === 'socket.io' && b?.imported === 'Server') return 'socket.io';
        if (mod === 'koa') return 'app';
        if (mod !== null && HTTP_MODULES.has(mod) && b?.imported === 'Server') return 'http';
        if (!b && cls.getText() === 'WebSocketServer') return 'ws';
        return null;
      }
      if (Node.isPropertyAccessExpression(cls)) {
        const ns = cls.getExpression();
        const b = Node.isIdentifier(ns) ? binding(ns.getText()) : undefined;
        const mod = b ? bareModule(b.module) : requiredModule(ns)?.module;
        const name = cls.getName();
        if (mod === 'ws' && (name === 'Server' || name === 'WebSocketServer')) return 'ws';
        if (mod === 'socket.io' && name === 'Server') return 'socket.io';
        if (mod !== undefined && HTTP_MODULES.has(bareModule(mod)) && name === 'Server') return 'http';
      }
      return null;
    }
    return null;
  }

  function isThenReceiver(call: TsNode): boolean {
    const parent = call.getParent();
    return !!parent && Node.isPropertyAccessExpression(parent) && parent.getName() === 'then';
  }

  // Names whose value we know (declarations and plain assignments); two passes settle
  // `const app = fastify()` before `const x = app.listen()`.
  const declarations = sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration);
  const assignments = sf
    .getDescendantsOfKind(SyntaxKind.BinaryExpression)
    .filter((b) => b.getOperatorToken().getKind() === SyntaxKind.EqualsToken);
  for (let pass = 0; pass < 2; pass++) {
    for (const d of declarations) {
      const init = d.getInitializer();
      const nameNode = d.getNameNode();
      if (!init || !Node.isIdentifier(nameNode)) continue;
      const p = produced(init);
      const kind = p === 'listen' || p === 'same-http' ? 'http' : p;
      if (
        kind === 'http' ||
        kind === 'ws' ||
        kind === 'socket.io' ||
        kind === 'fastify' ||
        kind === 'nest' ||
        kind === 'vite' ||
        kind === 'app'
      )
        env.set(nameNode.getText(), kind);
    }
    for (const a of assignments) {
      const left = a.getLeft();
      if (!Node.isIdentifier(left)) continue;
      const p = produced(a.getRight());
      const kind = p === 'listen' || p === 'same-http' ? 'http' : p;
      if (kind === 'http' || kind === 'ws' || kind === 'socket.io' || kind === 'fastify' || kind === 'nest' || kind === 'vite')
        env.set(left.getText(), kind);
    }
  }

  const targets: Target[] = [];
  const blocked: Blocked[] = [];
  const covered = new Set<TsNode>();
  const usedNames = new Set(sf.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText()));
  const freshName = (candidates: string[]): string => {
    for (const c of candidates) if (!usedNames.has(c)) return remember(c);
    for (let i = 2; ; i++) if (!usedNames.has(`${candidates[0]}${i}`)) return remember(`${candidates[0]}${i}`);
  };
  const remember = (name: string): string => {
    usedNames.add(name);
    return name;
  };
  const line = (n: TsNode): number => n.getStartLineNumber();
  const statementIn = (n: TsNode | undefined): n is Statement => {
    const parent = n?.getParent();
    return (
      !!n &&
      !!parent &&
      (Node.isBlock(parent) ||
        Node.isSourceFile(parent) ||
        Node.isModuleBlock(parent) ||
        Node.isCaseClause(parent) ||
        Node.isDefaultClause(parent))
    );
  };
  const targetKind = (p: Produced): TargetKind | 'skip' | 'ambiguous' => {
    if (p === 'listen' || p === 'http') return 'http';
    if (p === 'ws' || p === 'socket.io' || p === 'fastify' || p === 'nest' || p === 'vite') return p;
    if (p === 'ambiguous') return 'ambiguous';
    return 'skip';
  };
  const ambiguous = (n: TsNode): Blocked => ({
    line: line(n),
    reason: `cannot tell what \`${unwrap(n).getText().split('\n')[0]}\` returns (an imported app, awaited: Fastify's listen returns a promise, not a server)`,
  });

  for (const d of declarations) {
    const init = d.getInitializer();
    const nameNode = d.getNameNode();
    if (!init || !Node.isIdentifier(nameNode)) continue;
    const k = targetKind(produced(init));
    covered.add(unwrap(init));
    if (k === 'skip') continue;
    if (k === 'ambiguous') {
      blocked.push(ambiguous(init));
      continue;
    }
    const st = d.getVariableStatement();
    if (!statementIn(st)) {
      blocked.push({ line: line(d), reason: `\`${nameNode.getText()}\` is declared where no statement can follow it` });
      continue;
    }
    targets.push({
      kind: k,
      ref: nameNode.getText(),
      after: st,
      line: line(d),
      ...(k === 'nest' && /\.createMicroservice\b/.test(init.getText()) ? { microservice: true } : {}),
    });
  }

  for (const a of assignments) {
    const right = a.getRight();
    const k = targetKind(produced(right));
    covered.add(unwrap(right));
    if (k === 'skip') continue;
    if (k === 'ambiguous') {
      blocked.push(ambiguous(right));
      continue;
    }
    const st = a.getParent();
    if (!Node.isExpressionStatement(st) || !statementIn(st)) {
      blocked.push({
        line: line(a),
        reason: `\`${a.getLeft().getText()}\` is assigned inside an expression, where no statement can follow it`,
      });
      continue;
    }
    targets.push({ kind: k, ref: a.getLeft().getText(), after: st, line: line(a) });
  }

  // Values produced and dropped or returned: `app.listen(3000)`, `return app.listen()`, `new WebSocketServer({ port })`.
  const candidates: TsNode[] = [];
  sf.forEachDescendant((n) => {
    if (Node.isCallExpression(n)) {
      const callee = n.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'listen') candidates.push(n);
    } else if (Node.isNewExpression(n)) {
      const p = produced(n);
      if (p === 'ws' || p === 'socket.io' || p === 'http') candidates.push(n);
    }
  });
  const seenHosts = new Set<TsNode>();
  for (const c of candidates) {
    // Climb through await, parentheses and `.on(...)` chains (they return the server itself).
    let host: TsNode = c;
    for (;;) {
      const p = host.getParent();
      if (!p) break;
      if (Node.isAwaitExpression(p) || Node.isParenthesizedExpression(p)) {
        host = p;
        continue;
      }
      const gp = p.getParent();
      if (
        Node.isPropertyAccessExpression(p) &&
        (p.getName() === 'on' || p.getName() === 'once') &&
        gp &&
        Node.isCallExpression(gp) &&
        gp.getExpression() === p
      ) {
        host = gp;
        continue;
      }
      if (Node.isPropertyAccessExpression(p) && p.getName() === 'listen' && gp && Node.isCallExpression(gp)) {
        host = gp;
        continue;
      }
      break;
    }
    if (seenHosts.has(host) || covered.has(unwrap(host))) continue;
    seenHosts.add(host);
    const k = targetKind(produced(host));
    if (k === 'skip') continue;
    if (k === 'ambiguous') {
      blocked.push(ambiguous(host));
      continue;
    }
    const parent = host.getParent();
    const name = freshName(
      k === 'ws' ? ['wss', 'wsServer'] : k === 'socket.io' ? ['io', 'socketServer'] : ['server', 'httpServer', 'appServer'],
    );
    if (parent && (Node.isExpressionStatement(parent) || Node.isReturnStatement(parent)) && statementIn(parent)) {
      targets.push({
        kind: k,
        ref: name,
        after: parent,
        capture: { statement: parent, expression: host as Expression, name, via: Node.isReturnStatement(parent) ? 'return' : 'statement' },
        line: line(host),
      });
      continue;
    }
    const branchOf = parent?.getParent();
    if (
      parent &&
      Node.isExpressionStatement(parent) &&
      branchOf &&
      Node.isIfStatement(branchOf) &&
      (branchOf.getThenStatement() === parent || branchOf.getElseStatement() === parent)
    ) {
      targets.push({
        kind: k,
        ref: name,
        after: parent,
        capture: { statement: parent, expression: host as Expression, name, via: 'braces' },
        line: line(host),
      });
      continue;
    }
    const where =
      parent && Node.isArrowFunction(parent) ? 'is the body of an arrow function without braces' : 'is used inside an expression';
    blocked.push({
      line: line(host),
      reason: `\`${host.getText().split('\n')[0]}\` ${where}, so the server it returns cannot be registered without restructuring the code`,
    });
  }

  // Apps imported from another file and listened here (`await app.listen(...)`): register their close().
  const guess = guessImportedApp();
  if (guess !== null) {
    for (const c of candidates) {
      if (!Node.isCallExpression(c)) continue;
      const callee = c.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) continue;
      const obj = unwrap(callee.getExpression());
      if (!Node.isIdentifier(obj) || env.has(obj.getText())) continue;
      let st: TsNode | undefined = c;
      while (st && !statementIn(st)) st = st.getParent();
      if (st && statementIn(st)) targets.push({ kind: guess, ref: obj.getText(), after: st, line: line(c) });
    }
  }

  targets.sort((x, y) => x.after.getStart() - y.after.getStart());
  return { targets, blocked };
}
