// <source-only>
/**
 * The shutdown registry written into a user's Node app: the source of every flavour of the generated module.
 * It is compiled and tested here like any other file; src/generators/module-source.ts inlines ./drain.ts,
 * puts the rendered answers (templates/node/shutdown-header.hbs) in place of ./shutdown-answers.ts, and
 * derives the CommonJS and JavaScript flavours from the result. Write it for every compiler setting a user
 * may have: no value imports, only ES2015 library calls, no iteration of Map or Set with for...of, nothing
 * that depends on strictBindCallApply, globals of newer Node reached through globalThis, built-ins named
 * without `node:` (types only: @types/node 14 declares no node: modules).
 */
// </source-only>
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'http';
import type { Server as HttpsServer } from 'https';
import type { Http2SecureServer, Http2Server } from 'http2';
import { DEFAULT_DELAY_MS, DEFAULT_EXIT_MODE, DEFAULT_TIMEOUT_MS } from './shutdown-answers.js';
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

export type ExitMode = 'zero' | 'signal';

/** 'drain': runs alongside the HTTP drain, from the moment the listeners close; 'cleanup': after it. */
export type ShutdownPhase = 'drain' | 'cleanup';

export interface ShutdownLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ShutdownOptions {
  /** Overall budget in ms. Default: GRACEFUL_SHUTDOWN_TIMEOUT_MS, else DEFAULT_TIMEOUT_MS above. */
  timeoutMs?: number | undefined;
  /** Time between turning not-ready (503) and closing the listeners, in ms. Default DEFAULT_DELAY_MS above. */
  shutdownDelayMs?: number | undefined;
  /** 'zero': exit 0 after a clean shutdown; 'signal': re-raise the signal (status 128+n). */
  exitMode?: ExitMode | undefined;
  /** Signals that start the shutdown. Default SIGTERM, SIGINT and SIGHUP. Read on the first call only. */
  signals?: NodeJS.Signals[] | undefined;
  /** Where to log. Default: console, prefixed with [shutdown]. */
  logger?: ShutdownLogger | undefined;
}

export interface ShutdownHandlerOptions {
  /** Time allowed. Default: an equal share of the time left ('cleanup'), the time until connections are destroyed ('drain'). */
  timeoutMs?: number | undefined;
  /** When it runs. Default 'cleanup'. */
  phase?: ShutdownPhase | undefined;
}

/**
 * The global AbortSignal type. Typings without one (@types/node 14 and 16 without the DOM library) get the
 * part of it this module promises.
 */
export type ShutdownAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } }
  ? S
  : {
      readonly aborted: boolean;
      readonly reason?: unknown;
      addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
      removeEventListener(type: 'abort', listener: () => void): void;
    };

export interface ShutdownContext {
  /** Why the shutdown started, e.g. 'SIGTERM'. */
  reason: string;
  /** Aborted (with a DOMException named 'TimeoutError') when this handler runs out of time. */
  signal: ShutdownAbortSignal;
}

export type ShutdownHandler = (context: ShutdownContext) => unknown;

export type HttpServerLike = HttpServer | HttpsServer | Http2Server | Http2SecureServer;

export type { WebSocketLike, WebSocketServerLike } from './drain.js';

interface HandlerEntry {
  name: string;
  fn: ShutdownHandler;
  timeoutMs: number | undefined;
  phase: ShutdownPhase;
}

interface Settings {
  timeoutMs: number;
  shutdownDelayMs: number;
  exitMode: ExitMode;
  signals: NodeJS.Signals[];
  logger: ShutdownLogger;
}

interface AbortControllerLike {
  readonly signal: ShutdownAbortSignal;
  abort(reason?: unknown): void;
}

/** Globals of Node >= 17, reached this way so that typings without them still compile. */
const globals = globalThis as unknown as {
  AbortController: new () => AbortControllerLike;
  DOMException: new (message: string, name: string) => Error;
};

/** Repeats of a signal this soon after the first are duplicates, not a request to force the exit. */
const REPEAT_SIGNAL_GRACE_MS = 200;
/** Connections are destroyed when this share of the deadline is left, so handlers still get time. */
const HANDLER_RESERVE_SHARE = 0.25;
const HANDLER_RESERVE_MAX_MS = 2000;
/** Longest delay setTimeout accepts; longer ones fire at once. */
const MAX_TIMER_MS = 2147483647;
/** Numbers of the signals that are the same on every POSIX system. */
const SIGNAL_NUMBERS: { [signal: string]: number | undefined } = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

const consoleLogger: ShutdownLogger = {
  info: (message) => console.log(`[shutdown] ${message}`),
  error: (message, error) =>
    error === undefined ? console.error(`[shutdown] ${message}`) : console.error(`[shutdown] ${message}`, error),
};

const options: ShutdownOptions = {};
let settings: Settings | null = null;
let installed = false;
const handlers = new Map<string, HandlerEntry>();
const servers = new Map<HttpServerLike, TrackedServer>();
const webSocketServers = new Set<WebSocketServerLike>();

const abortController = new globals.AbortController();
/** Aborted when the shutdown begins, with a DOMException named 'AbortError' whose cause is the reason. */
const shutdownSignal: ShutdownAbortSignal = abortController.signal;

let shuttingDown = false;
/** Listeners are closing: requests from now on get `Connection: close`. */
let closing = false;
let firstSignalAt = 0;
let deadlineAt = 0;
let failed = false;
/** Set when this module ends the process, so that the 'exit' listener knows the exit was not the app's. */
let exiting = false;
let shutdownPromise: Promise<void> | null = null;

function abortError(message: string, name: string, cause: unknown): Error {
  const error = new globals.DOMException(message, name);
  Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  return error;
}

function readMs(value: unknown, fallback: number, min: number, what: string, logger: ShutdownLogger): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= min && n <= MAX_TIMER_MS) return n;
  logger.error(`${what}=${JSON.stringify(value)} is not a whole number of ms >= ${min}: using ${fallback}`);
  return fallback;
}

function resolveSettings(): Settings {
  const logger = options.logger ?? consoleLogger;
  const timeoutMs =
    options.timeoutMs !== undefined
      ? readMs(options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 'timeoutMs', logger)
      : readMs(process.env['GRACEFUL_SHUTDOWN_TIMEOUT_MS'], DEFAULT_TIMEOUT_MS, 1, 'GRACEFUL_SHUTDOWN_TIMEOUT_MS', logger);
  const shutdownDelayMs = readMs(options.shutdownDelayMs, DEFAULT_DELAY_MS, 0, 'shutdownDelayMs', logger);
  let exitMode: ExitMode = DEFAULT_EXIT_MODE;
  if (options.exitMode === 'zero' || options.exitMode === 'signal') exitMode = options.exitMode;
  else if (options.exitMode !== undefined) logger.error(`exitMode=${JSON.stringify(options.exitMode)} is not 'zero' or 'signal': using '${exitMode}'`);
  const signals: NodeJS.Signals[] = options.signals ?? ['SIGTERM', 'SIGINT', 'SIGHUP'];
  return { timeoutMs, shutdownDelayMs, exitMode, signals, logger };
}

function current(): Settings {
  if (!settings) settings = resolveSettings();
  return settings;
}

/**
 * Installs the signal listeners (SIGTERM, SIGINT, SIGHUP by default) and the uncaughtException and
 * unhandledRejection ones. Idempotent: the first call installs them, later calls only update the options.
 */
function setupSignalHandlers(opts: ShutdownOptions = {}): void {
  Object.assign(options, opts);
  settings = resolveSettings();
  if (installed) return;
  installed = true;
  for (const signal of settings.signals) process.on(signal, onSignal);
  listenForFatalErrors();
}

function listenForFatalErrors(): void {
  if (process.listeners('uncaughtException').indexOf(onFatal) >= 0) return;
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}

function onSignal(signal: NodeJS.Signals): void {
  // An app that listens for SIGHUP itself (to reload, say) keeps it; otherwise it would end the process.
  if (signal === 'SIGHUP' && process.listenerCount('SIGHUP') > 1) return;
  if (!firstSignalAt) {
    // The first signal starts the shutdown, or joins one begun by shutdown() or a fatal error.
    firstSignalAt = Date.now();
    void start(signal, signal);
    return;
  }
  if (Date.now() - firstSignalAt < REPEAT_SIGNAL_GRACE_MS) return;
  current().logger.error(`${signal} again: exiting now`);
  exitNow(statusFor(signal));
}

function onFatal(error: unknown): void {
  failed = true;
  current().logger.error(shuttingDown ? 'error during shutdown:' : 'fatal error, shutting down:', error);
  if (!shuttingDown) void start('fatal error', null);
}

/** The app (or a library) called process.exit() before the shutdown was done: it keeps its meaning. */
function onExit(code: number): void {
  if (exiting) return;
  current().logger.error(`process.exit(${code}) called during the shutdown: exiting with ${code}, the rest of the shutdown does not run`);
}

/**
 * Registers a handler to run at shutdown; a name registered again replaces the earlier handler. Returns a
 * function that unregisters it. phase 'cleanup' (the default): after the servers have drained, one at a time,
 * last registered first. phase 'drain': as soon as the listeners close, alongside the drain (to close
 * WebSocket or SSE clients of a framework, say).
 */
function registerShutdownHandler(name: string, fn: ShutdownHandler, opts: ShutdownHandlerOptions = {}): () => void {
  let phase: ShutdownPhase = 'cleanup';
  if (opts.phase === 'drain' || opts.phase === 'cleanup') phase = opts.phase;
  else if (opts.phase !== undefined) current().logger.error(`handler "${name}": phase ${JSON.stringify(opts.phase)} is not 'drain' or 'cleanup': using 'cleanup'`);
  const entry: HandlerEntry = { name, fn, timeoutMs: opts.timeoutMs, phase };
  handlers.delete(name);
  handlers.set(name, entry);
  return () => {
    if (handlers.get(name) === entry) handlers.delete(name);
  };
}

/** Unregisters the handler of that name; true when there was one. */
function removeShutdownHandler(name: string): boolean {
  return handlers.delete(name);
}

/** Drains this server at shutdown (node:http, node:https or node:http2). Returns the server. */
function registerHttpServer<T extends HttpServerLike>(server: T): T {
  if (servers.has(server)) return server;
  const s = server as unknown as DrainableServer;
  const tracked = trackServer(s);
  servers.set(server, tracked);
  // A server that starts listening after the shutdown began (signal during startup) is closed at once.
  s.on('listening', () => {
    if (closing) s.close();
  });
  if (closing) void drainServer(tracked);
  return server;
}

/**
 * Closes this WebSocket server's clients at shutdown (code 1001), terminating those still open when
 * connections are destroyed. Any `ws`-compatible server works. Returns the server.
 */
function registerWebSocketServer<T extends WebSocketServerLike>(wss: T): T {
  webSocketServers.add(wss);
  if (closing) void closeWebSocketServer(wss);
  return wss;
}

/** True from the moment the shutdown begins. */
function isShuttingDown(): boolean {
  return shuttingDown;
}

/** False from the moment the shutdown begins: use it in a readiness route of any framework. */
function isReady(): boolean {
  return !shuttingDown;
}

/** A readiness route for node:http and Express: 200 'ok', then 503 once the shutdown began. */
function readinessCheck(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = shuttingDown ? 503 : 200;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(shuttingDown ? 'shutting down' : 'ok');
}

/**
 * Starts the shutdown, as a signal would (the exit code is 0 when clean). The returned promise does not
 * resolve: the process exits.
 */
function shutdown(reason: string = 'shutdown()'): Promise<void> {
  return start(reason, null);
}

function start(reason: string, signal: NodeJS.Signals | null): Promise<void> {
  if (shutdownPromise) return shutdownPromise;
  shuttingDown = true;
  const { timeoutMs, logger } = current();
  deadlineAt = Date.now() + timeoutMs;
  logger.info(`${reason}: shutting down (deadline ${timeoutMs} ms)`);
  listenForFatalErrors(); // also when shutdown() is called without setupSignalHandlers()
  process.once('exit', onExit);
  setTimeout(onDeadline, timeoutMs);
  abortController.abort(abortError(`shutting down (${reason})`, 'AbortError', reason));
  shutdownPromise = run(reason, signal);
  return shutdownPromise;
}

async function run(reason: string, signal: NodeJS.Signals | null): Promise<void> {
  const { timeoutMs, shutdownDelayMs, exitMode, logger } = current();
  if (shutdownDelayMs > 0) await sleep(Math.min(shutdownDelayMs, timeoutMs));
  closing = true;
  const reserve = Math.min(HANDLER_RESERVE_MAX_MS, Math.floor(timeoutMs * HANDLER_RESERVE_SHARE));
  const drainLeft = deadlineAt - reserve - Date.now();
  const list = Array.from(handlers.values());
  const alongside = list.filter((h) => h.phase === 'drain').map((h) => runHandler(h, limitOf(h.timeoutMs, drainLeft), reason));
  const closingAll: Promise<void>[] = [];
  servers.forEach((tracked) => closingAll.push(drainServer(tracked)));
  webSocketServers.forEach((wss) => closingAll.push(closeWebSocketServer(wss)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, drainLeft));
  });
  const drained = await Promise.race([Promise.all(closingAll).then(() => true), late]);
  clearTimeout(timer);
  if (!drained) {
    failed = true;
    logger.error('connections still open: destroying them');
    destroyConnections();
  }
  const results = await Promise.all(alongside);
  if (results.indexOf(false) >= 0) failed = true;
  await runCleanups(list.filter((h) => h.phase === 'cleanup').reverse(), reason);
  const code = failed ? 1 : 0;
  if (code === 0 && exitMode === 'signal' && signal) reraise(signal);
  else exitNow(code);
}

function destroyConnections(): void {
  servers.forEach(destroyServer);
  webSocketServers.forEach(terminateWebSockets);
}

async function runCleanups(list: HandlerEntry[], reason: string): Promise<void> {
  for (let i = 0; i < list.length; i++) {
    const handler = list[i] as HandlerEntry;
    const left = deadlineAt - Date.now();
    if (!(await runHandler(handler, limitOf(handler.timeoutMs, Math.floor(left / (list.length - i))), reason))) failed = true;
  }
}

/** An explicit timeout is not trimmed: past the deadline, the deadline timer ends the process. */
function limitOf(explicit: number | undefined, share: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, explicit ?? share));
}

function runHandler(handler: HandlerEntry, limit: number, reason: string): Promise<boolean> {
  const { logger } = current();
  return new Promise((resolve) => {
    const controller = new globals.AbortController();
    let settled = false;
    const settle = (ok: boolean, message?: string, error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (message) logger.error(`handler "${handler.name}" ${message}`, error);
      resolve(ok);
    };
    const timer = setTimeout(() => {
      controller.abort(abortError(`shutdown handler "${handler.name}" timed out after ${limit} ms`, 'TimeoutError', reason));
      settle(false, `timed out after ${limit} ms`);
    }, limit);
    try {
      Promise.resolve(handler.fn({ reason, signal: controller.signal })).then(
        () => settle(true),
        (error: unknown) => settle(false, 'failed:', error),
      );
    } catch (error) {
      settle(false, 'failed:', error);
    }
  });
}

function onDeadline(): void {
  current().logger.error(`deadline of ${current().timeoutMs} ms passed: exiting`);
  destroyConnections();
  exitNow(1);
}

function reraise(signal: NodeJS.Signals): void {
  exiting = true;
  process.removeListener(signal, onSignal);
  // With no listener left, the default action ends the process with 128+n. When it cannot (PID 1 ignores
  // signals it has no handler for, or the app listens for this signal too), exit with that status anyway.
  setTimeout(() => process.exit(statusFor(signal)), 100);
  process.kill(process.pid, signal);
}

function exitNow(code: number): never {
  exiting = true;
  return process.exit(code);
}

function statusFor(signal: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 15);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export {
  setupSignalHandlers,
  registerShutdownHandler,
  removeShutdownHandler,
  registerHttpServer,
  registerWebSocketServer,
  isShuttingDown,
  isReady,
  readinessCheck,
  shutdown,
  shutdownSignal,
};
