/**
 * Graceful shutdown for a frontend dev server (HTTP + WebSocket/HMR).
 * Written by create-graceful-shutdown; no dependencies, edit freely.
 *
 * On the first SIGTERM or SIGINT (a second one exits at once):
 *   1. HTTP servers stop accepting; in-flight requests are answered with `Connection: close` and idle
 *      keep-alive sockets are closed, so `server.close()` does not wait for browsers to hang up;
 *   2. WebSocket clients (HMR, app sockets) are closed with 1001 "going away"; those that do not
 *      answer within a second are terminated;
 *   3. tracked timers are cleared and cleanups run, last registered first;
 *   4. the process exits 0, or 1 when GRACEFUL_SHUTDOWN_TIMEOUT_MS runs out or after an uncaught exception.
 *
 * Vite: add `gracefulShutdown()` to `plugins` in vite.config. Custom servers: call registerHttpServer,
 * registerWebSocketServer (Vite's `vite.ws` included) and registerCleanup after creating them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An http/https server (or anything with the same close and events). */
export interface HttpServerLike {
  close(callback?: (err?: Error) => void): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
}

/** A server-side WebSocket, as `ws` has it. */
export interface WebSocketLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  terminate?(): void;
  once?(event: 'close', listener: () => void): unknown;
}

/** A WebSocket server: `ws`'s WebSocketServer, or Vite's `server.ws` (its clients wrap the socket). */
export interface WebSocketServerLike {
  readonly clients: Iterable<WebSocketLike | { socket: WebSocketLike }>;
  close?(callback?: (err?: Error) => void): unknown;
}

type Timer = ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>;

interface ShutdownState {
  phase: 'running' | 'stopping';
  installed: boolean;
  cleanups: Map<string, () => unknown>;
  httpServers: Map<HttpServerLike, Set<ServerResponse>>;
  webSocketServers: Set<WebSocketServerLike>;
  timers: Set<Timer>;
  /** Settles once servers have drained (or their share of the budget is spent). */
  serversClosed: Promise<void> | null;
}

/** The part of Vite's dev server the plugin uses (no import of vite, so this file needs no dependency). */
export interface ViteDevServerLike {
  httpServer: HttpServerLike | null;
  ws: WebSocketServerLike;
  close(): Promise<void>;
}

export interface GracefulShutdownPlugin {
  name: string;
  apply: 'serve';
  configureServer(server: ViteDevServerLike): void;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** RFC 6455 "going away": the browser knows the server left on purpose. */
const GOING_AWAY = 1001;
const WEBSOCKET_CLOSED = 3;
const WEBSOCKET_CLOSE_GRACE_MS = 1000;
const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/** Read GRACEFUL_SHUTDOWN_TIMEOUT_MS; anything but a positive whole number warns and keeps the default. */
function readTimeoutMs(): number {
  const raw = process.env.GRACEFUL_SHUTDOWN_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw.trim());
  if (/^\d+$/.test(raw.trim()) && Number.isSafeInteger(value) && value > 0) return value;
  console.warn(
    `[shutdown] GRACEFUL_SHUTDOWN_TIMEOUT_MS=${JSON.stringify(raw)} is not a whole number of milliseconds; using ${DEFAULT_TIMEOUT_MS}`,
  );
  return DEFAULT_TIMEOUT_MS;
}

const timeoutMs = readTimeoutMs();

// One state per process, kept on globalThis: Vite bundles vite.config together with this file and
// evaluates it again on every config restart, and signal handlers must still be installed only once.
const STATE_KEY = Symbol.for('create-graceful-shutdown.devserver');
const globalSlot = globalThis as unknown as Record<symbol, ShutdownState | undefined>;
const state: ShutdownState = (globalSlot[STATE_KEY] ??= {
  phase: 'running',
  installed: false,
  cleanups: new Map(),
  httpServers: new Map(),
  webSocketServers: new Set(),
  timers: new Set(),
  serversClosed: null,
});

/** Run `fn` during shutdown, after the servers have closed. A later call with the same name replaces it. */
export function registerCleanup(name: string, fn: () => unknown): () => void {
  if (typeof fn !== 'function') throw new TypeError(`registerCleanup(${JSON.stringify(name)}): not a function`);
  state.cleanups.delete(name);
  state.cleanups.set(name, fn);
  return () => {
    if (state.cleanups.get(name) === fn) state.cleanups.delete(name);
  };
}

/**
 * The same as registerCleanup, under the name the app shutdown module uses, so an entry file wired
 * for one reads the same with the other.
 */
export function registerShutdownHandler(name: string, fn: () => unknown): () => void {
  return registerCleanup(name, fn);
}

/**
 * Install the SIGTERM/SIGINT/uncaughtException handlers. Importing this file already does it; calling
 * it again changes nothing. It is there so an entry file states where shutdown handling starts.
 */
export function setupSignalHandlers(): void {
  install();
}

/** Drain this server on shutdown: stop accepting, finish in-flight requests, close keep-alive sockets. */
export function registerHttpServer<S extends HttpServerLike>(server: S): S {
  if (!server || typeof server.close !== 'function' || typeof server.on !== 'function') {
    throw new TypeError('registerHttpServer: expected an http.Server');
  }
  if (state.httpServers.has(server)) return server;
  const inFlight = new Set<ServerResponse>();
  state.httpServers.set(server, inFlight);
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (state.phase === 'stopping') {
      closeAfterResponse(server, res);
      return;
    }
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return server;
}

/** Close this server's WebSocket clients with 1001 on shutdown. Duck-typed: `ws` servers and Vite's `server.ws`. */
export function registerWebSocketServer<W extends WebSocketServerLike>(wss: W): W {
  if (!wss || wss.clients == null || typeof (wss.clients as unknown as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError('registerWebSocketServer: expected a WebSocket server with a `clients` collection');
  }
  state.webSocketServers.add(wss);
  return wss;
}

/** Clear this timeout on shutdown. Returns it, so `trackTimeout(setTimeout(...))` reads naturally. */
export function trackTimeout<T extends Timer>(id: T): T {
  state.timers.add(id);
  return id;
}

/** Clear this interval on shutdown. */
export function trackInterval<T extends Timer>(id: T): T {
  state.timers.add(id);
  return id;
}

/**
 * Vite plugin: registers the dev server's HTTP server and HMR WebSocket server, and makes Vite's own
 * close (its SIGTERM handler, a restart, `server.close()`) say 1001 to HMR clients instead of cutting them off.
 */
export function gracefulShutdown(): GracefulShutdownPlugin {
  return {
    name: 'create-graceful-shutdown',
    apply: 'serve',
    configureServer(server) {
      if (server.httpServer) registerHttpServer(server.httpServer);
      registerWebSocketServer(server.ws);
      const closeVite = server.close;
      let closing: Promise<void> | null = null;
      const close = () =>
        (closing ??= (async () => {
          // During our shutdown, let the drain finish before Vite destroys every socket.
          if (state.phase === 'stopping' && state.serversClosed) await state.serversClosed;
          else await closeWebSocketClients(server.ws);
          await closeVite.call(server);
        })());
      server.close = close;
      registerCleanup('vite dev server', close);
    },
  };
}

function webSocketOf(client: WebSocketLike | { socket: WebSocketLike }): WebSocketLike | null {
  if (client && typeof (client as WebSocketLike).close === 'function') return client as WebSocketLike;
  const inner = (client as { socket?: WebSocketLike }).socket;
  return inner && typeof inner.close === 'function' ? inner : null;
}

function closeWebSocketClients(wss: WebSocketServerLike): Promise<void> {
  const sockets = [...wss.clients].map(webSocketOf).filter((ws) => ws !== null && ws.readyState !== WEBSOCKET_CLOSED);
  return Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const socket = ws as WebSocketLike;
          const timer = setTimeout(() => {
            socket.terminate?.();
            resolve();
          }, WEBSOCKET_CLOSE_GRACE_MS);
          socket.once?.('close', () => {
            clearTimeout(timer);
            resolve();
          });
          try {
            socket.close(GOING_AWAY, 'server shutting down');
          } catch {
            socket.terminate?.();
          }
        }),
    ),
  ).then(() => undefined);
}

function closeWebSocketServer(wss: WebSocketServerLike): Promise<void> {
  return closeWebSocketClients(wss).then(
    () =>
      new Promise<void>((resolve) => {
        if (typeof wss.close !== 'function') return resolve();
        // ws takes a callback; Vite's server.ws returns a promise instead.
        const result = wss.close(() => resolve());
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(() => resolve(), () => resolve());
        }
      }),
  );
}

function closeAfterResponse(server: HttpServerLike, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  // Headers already sent: the socket goes idle after this response, then it can be closed.
  res.once('finish', () => setImmediate(() => server.closeIdleConnections?.()));
}

function closeHttpServer(server: HttpServerLike, inFlight: Set<ServerResponse>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const res of inFlight) closeAfterResponse(server, res);
    server.closeIdleConnections?.();
  });
}

async function closeServers(budgetMs: number): Promise<void> {
  const closing = [
    ...[...state.webSocketServers].map(closeWebSocketServer),
    ...[...state.httpServers].map(([server, inFlight]) => closeHttpServer(server, inFlight)),
  ];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  const outcome = await Promise.race([Promise.all(closing).then(() => 'done' as const), budget]);
  clearTimeout(timer);
  if (outcome === 'late') {
    console.warn(`[shutdown] servers still had open connections after ${budgetMs} ms; closing them`);
    for (const server of state.httpServers.keys()) server.closeAllConnections?.();
  }
}

async function shutdown(reason: string, exitCode: number): Promise<void> {
  state.phase = 'stopping';
  // Anything else that exits on its own (Vite's SIGTERM handler) then exits with our code.
  process.exitCode = exitCode;
  console.log(`[shutdown] ${reason}: closing dev server (budget ${timeoutMs} ms)`);
  const deadline = setTimeout(() => {
    console.error(`[shutdown] not finished after ${timeoutMs} ms; exiting`);
    process.exit(1);
  }, timeoutMs);

  for (const timer of state.timers) {
    clearTimeout(timer);
    clearInterval(timer);
  }
  state.timers.clear();

  // Servers get half the budget to drain; cleanups keep the other half.
  state.serversClosed = closeServers(Math.floor(timeoutMs / 2));
  await state.serversClosed;

  for (const [name, fn] of [...state.cleanups].reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`[shutdown] cleanup ${JSON.stringify(name)} failed:`, err);
      exitCode = 1;
    }
  }
  clearTimeout(deadline);
  process.exit(exitCode);
}

function install(): void {
  if (state.installed) return;
  state.installed = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (state.phase === 'stopping') {
        console.error(`[shutdown] second ${signal}: exiting now`);
        process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
      }
      void shutdown(signal, 0);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error('[shutdown] uncaught exception:', err);
    if (state.phase === 'stopping') process.exit(1);
    void shutdown('uncaught exception', 1);
  });
}

install();
