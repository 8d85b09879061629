// <source-only>
/**
 * The dev-server module written beside a Vite config or a custom dev server: the source of every flavour.
 * Its drain is ./drain.ts, inlined when it is rendered (src/generators/module-source.ts), the same code as
 * the app module's.
 */
// </source-only>
import { DEFAULT_TIMEOUT_MS } from './devserver-answers.js';
import {
  closeWebSocketServer,
  destroyServer,
  drainServer,
  terminateWebSockets,
  trackServer,
  type DrainableServer,
  type TrackedServer,
  type WebSocketServerLike,
} from './drain.js';

export type { WebSocketLike, WebSocketServerLike } from './drain.js';

/** An http/https server (or anything with the same close and events). */
export interface HttpServerLike {
  close(callback?: (err?: Error) => void): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  prependListener?(event: string, listener: (...args: any[]) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
}

type Timer = ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>;

interface ShutdownState {
  phase: 'running' | 'stopping';
  installed: boolean;
  cleanups: Map<string, () => unknown>;
  httpServers: Map<HttpServerLike, TrackedServer>;
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

const WEBSOCKET_CLOSE_GRACE_MS = 1000;
const SIGNAL_NUMBERS: { [signal: string]: number | undefined } = { SIGINT: 2, SIGTERM: 15 };

/** Read GRACEFUL_SHUTDOWN_TIMEOUT_MS; anything but a positive whole number warns and keeps the default. */
function readTimeoutMs(): number {
  const raw = process.env['GRACEFUL_SHUTDOWN_TIMEOUT_MS'];
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
const globalSlot = globalThis as unknown as { [key: symbol]: ShutdownState | undefined };
const state: ShutdownState =
  globalSlot[STATE_KEY] ??
  (globalSlot[STATE_KEY] = {
    phase: 'running',
    installed: false,
    cleanups: new Map(),
    httpServers: new Map(),
    webSocketServers: new Set(),
    timers: new Set(),
    serversClosed: null,
  });

/** Run `fn` during shutdown, after the servers have closed. A later call with the same name replaces it. */
function registerCleanup(name: string, fn: () => unknown): () => void {
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
function registerShutdownHandler(name: string, fn: () => unknown): () => void {
  return registerCleanup(name, fn);
}

/**
 * Install the SIGTERM/SIGINT/uncaughtException handlers. Importing this file already does it; calling
 * it again changes nothing. It is there so an entry file states where shutdown handling starts.
 */
function setupSignalHandlers(): void {
  install();
}

/** Drain this server on shutdown: stop accepting, finish in-flight requests, close keep-alive sockets. */
function registerHttpServer<S extends HttpServerLike>(server: S): S {
  if (!server || typeof server.close !== 'function' || typeof server.on !== 'function') {
    throw new TypeError('registerHttpServer: expected an http.Server');
  }
  if (state.httpServers.has(server)) return server;
  // Servers without prependListener (look-alikes) are followed with on().
  const drainable: DrainableServer =
    typeof server.prependListener === 'function'
      ? (server as unknown as DrainableServer)
      : { close: (cb) => server.close(cb), on: (e, l) => server.on(e, l), prependListener: (e, l) => server.on(e, l) };
  const tracked = trackServer(drainable);
  state.httpServers.set(server, tracked);
  if (state.phase === 'stopping') void drainServer(tracked);
  return server;
}

/** Close this server's WebSocket clients with 1001 on shutdown. Duck-typed: `ws` servers and Vite's `server.ws`. */
function registerWebSocketServer<W extends WebSocketServerLike>(wss: W): W {
  if (!wss || wss.clients == null || typeof (wss.clients as unknown as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError('registerWebSocketServer: expected a WebSocket server with a `clients` collection');
  }
  state.webSocketServers.add(wss);
  return wss;
}

/** Clear this timeout on shutdown. Returns it, so `trackTimeout(setTimeout(...))` reads naturally. */
function trackTimeout<T extends Timer>(id: T): T {
  state.timers.add(id);
  return id;
}

/** Clear this interval on shutdown. */
function trackInterval<T extends Timer>(id: T): T {
  state.timers.add(id);
  return id;
}

/**
 * Vite plugin: registers the dev server's HTTP server and HMR WebSocket server, and makes Vite's own
 * close (its SIGTERM handler, a restart, `server.close()`) say 1001 to HMR clients instead of cutting them off.
 */
function gracefulShutdown(): GracefulShutdownPlugin {
  return {
    name: 'create-graceful-shutdown',
    apply: 'serve',
    configureServer(server) {
      if (server.httpServer) registerHttpServer(server.httpServer);
      registerWebSocketServer(server.ws);
      const closeVite = server.close;
      let closing: Promise<void> | null = null;
      const close = (): Promise<void> =>
        closing ??
        (closing = (async () => {
          // During our shutdown, let the drain finish before Vite destroys every socket.
          if (state.phase === 'stopping' && state.serversClosed) await state.serversClosed;
          else await closeWebSocketServerClients(server.ws);
          await closeVite.apply(server);
        })());
      server.close = close;
      registerCleanup('vite dev server', close);
    },
  };
}

/** Vite's own close stops its WebSocket server: here only the clients are closed. */
function closeWebSocketServerClients(wss: WebSocketServerLike): Promise<void> {
  return closeWebSocketServer({ clients: wss.clients }, WEBSOCKET_CLOSE_GRACE_MS);
}

async function closeServers(budgetMs: number): Promise<void> {
  const closing: Promise<void>[] = [];
  state.webSocketServers.forEach((wss) => closing.push(closeWebSocketServer(wss, WEBSOCKET_CLOSE_GRACE_MS)));
  state.httpServers.forEach((tracked) => closing.push(drainServer(tracked)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  const outcome = await Promise.race([Promise.all(closing).then(() => 'done' as const), budget]);
  clearTimeout(timer);
  if (outcome === 'late') {
    console.warn(`[shutdown] servers still had open connections after ${budgetMs} ms; closing them`);
    state.httpServers.forEach(destroyServer);
    state.webSocketServers.forEach(terminateWebSockets);
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

  state.timers.forEach((timer) => {
    clearTimeout(timer);
    clearInterval(timer);
  });
  state.timers.clear();

  // Servers get half the budget to drain; cleanups keep the other half.
  state.serversClosed = closeServers(Math.floor(timeoutMs / 2));
  await state.serversClosed;

  const cleanups = Array.from(state.cleanups).reverse();
  for (let i = 0; i < cleanups.length; i++) {
    const [name, fn] = cleanups[i] as [string, () => unknown];
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
  (['SIGTERM', 'SIGINT'] as const).forEach((signal) => {
    process.on(signal, () => {
      if (state.phase === 'stopping') {
        console.error(`[shutdown] second ${signal}: exiting now`);
        process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
      }
      void shutdown(signal, 0);
    });
  });
  process.on('uncaughtException', (err) => {
    console.error('[shutdown] uncaught exception:', err);
    if (state.phase === 'stopping') process.exit(1);
    void shutdown('uncaught exception', 1);
  });
}

install();

export {
  setupSignalHandlers,
  registerCleanup,
  registerShutdownHandler,
  registerHttpServer,
  registerWebSocketServer,
  trackTimeout,
  trackInterval,
  gracefulShutdown,
};
