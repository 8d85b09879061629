// <source-only>
/**
 * The HTTP and WebSocket drain shared by the generated app module (./shutdown.ts) and the dev-server
 * module (./devserver.ts). It is inlined into both when they are rendered (src/generators/module-source.ts):
 * what is exported here is exported to them, not to the user.
 */
// </source-only>
import type { IncomingMessage, ServerResponse } from 'http';
import type { Socket } from 'net';

/** A node:http/https/http2 server, as far as the drain uses it (duck-typed, so old @types/node fit). */
export interface DrainableServer {
  close(callback?: (err?: Error) => void): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
  prependListener(event: string, listener: (...args: any[]) => void): unknown;
  closeAllConnections?: () => void;
  closeIdleConnections?: () => void;
}

/** The part of an HTTP/2 session the drain uses. */
interface SessionLike {
  close(): void;
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** What the drain knows of one HTTP/1 connection. */
interface ConnectionState {
  /** Responses not yet finished on it. */
  active: number;
  /** At least one request was read from it: with none active it is an idle keep-alive connection. */
  served: boolean;
}

export interface TrackedServer {
  server: DrainableServer;
  connections: Map<Socket, ConnectionState>;
  responses: Set<ServerResponse>;
  sessions: Set<SessionLike>;
  /** Set when the drain starts: responses from then on carry `Connection: close`. */
  closing: boolean;
}

/** A server-side WebSocket as `ws` has it. */
export interface WebSocketLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  terminate?(): void;
  once?(event: 'close', listener: () => void): unknown;
}

/** A WebSocket server: `ws`'s WebSocketServer, or Vite's `server.ws` (whose clients wrap the socket). */
export interface WebSocketServerLike {
  readonly clients: Iterable<WebSocketLike | { socket: WebSocketLike }>;
  close?(callback?: (err?: Error) => void): unknown;
}

/** RFC 6455 "going away": the client knows the server left on purpose. */
const GOING_AWAY = 1001;
const WEBSOCKET_CLOSING = 2;

/**
 * Starts tracking a server's connections. Each socket is followed from its 'connection' (or, over TLS,
 * 'secureConnection') event, so connections that never sent a request are known too; closeIdleConnections()
 * is not used: before Node 18.7 it also destroyed connections whose response was still being produced.
 */
export function trackServer(server: DrainableServer): TrackedServer {
  const tracked: TrackedServer = { server, connections: new Map(), responses: new Set(), sessions: new Set(), closing: false };
  const http2 = typeof (server as { updateSettings?: unknown }).updateSettings === 'function';
  const tls = typeof (server as { setSecureContext?: unknown }).setSecureContext === 'function';
  // Over TLS the request's socket is the TLS socket of 'secureConnection', not the TCP one of 'connection'.
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    // HTTP/2 connections are drained through their session.
    if (http2 && (!tls || (socket as { alpnProtocol?: unknown }).alpnProtocol === 'h2')) return;
    follow(tracked, socket);
  });
  // Prepended, so it runs before the app's own listener: the header can still be set.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.httpVersionMajor !== 1) return; // HTTP/2 streams end with their session
    onRequest(tracked, req.socket, res);
  });
  if (http2) {
    server.on('session', (session: SessionLike) => {
      tracked.sessions.add(session);
      session.once('close', () => tracked.sessions.delete(session));
      if (tracked.closing) session.close();
    });
  }
  return tracked;
}

function follow(tracked: TrackedServer, socket: Socket): ConnectionState {
  let state = tracked.connections.get(socket);
  if (state) return state;
  state = { active: 0, served: false };
  tracked.connections.set(socket, state);
  socket.once('close', () => tracked.connections.delete(socket));
  return state;
}

function onRequest(tracked: TrackedServer, socket: Socket, res: ServerResponse): void {
  const state = follow(tracked, socket);
  state.active++;
  state.served = true;
  tracked.responses.add(res);
  if (tracked.closing && !res.headersSent) res.setHeader('connection', 'close');
  let done = false;
  const finished = (): void => {
    if (done) return;
    done = true;
    state.active--;
    tracked.responses.delete(res);
    // A response already under way when the drain began had no `Connection: close`: end its socket now.
    if (tracked.closing && state.active === 0) closeSoon(socket);
  };
  res.once('finish', finished);
  res.once('close', finished);
}

/** Closes a socket once what was written to it has been sent. */
function closeSoon(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableLength === 0) socket.destroy();
  else socket.end(() => socket.destroy());
}

/**
 * Stops accepting; closes idle keep-alive connections and connections that never sent a request at once;
 * in-flight responses get `Connection: close` and their sockets close when they end; HTTP/2 sessions get
 * GOAWAY. Resolves once every connection of the server is gone.
 */
export function drainServer(tracked: TrackedServer): Promise<void> {
  tracked.closing = true;
  return new Promise((resolve) => {
    // The callback runs once every connection is gone (at once, with an error, when it is not listening).
    stopListening(tracked.server, () => resolve());
    tracked.responses.forEach((res) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    });
    tracked.connections.forEach((state, socket) => {
      // A socket with bytes read but no request yet is an upgraded one (WebSocket) or one mid-request.
      if (state.active === 0 && (state.served || socket.bytesRead === 0)) socket.destroy();
    });
    tracked.sessions.forEach((session) => session.close());
  });
}

/**
 * server.close(), with the listener closed before any connection. http.Server's close() (Node >= 19)
 * closes the idle keep-alive connections first and stops listening after: a client whose connection
 * closes in between (a loaded machine can deschedule the process right there) connects again at once,
 * and the kernel resets that new connection, still in the listen backlog, when the listener closes.
 * So close() runs with closeIdleConnections held back, and the idle connections close after it.
 */
function stopListening(server: DrainableServer, closed: () => void): void {
  const own = Object.getOwnPropertyDescriptor(server, 'closeIdleConnections');
  let held = false;
  server.closeIdleConnections = () => {
    held = true;
  };
  try {
    server.close(() => closed());
  } finally {
    if (own) Object.defineProperty(server, 'closeIdleConnections', own);
    else delete server.closeIdleConnections;
  }
  // Only where close() itself closes them: before Node 18.7 it also closed connections still answering.
  if (held) server.closeIdleConnections?.();
}

/** Destroys what is left of a server's connections (at the deadline). */
export function destroyServer(tracked: TrackedServer): void {
  tracked.connections.forEach((_state, socket) => socket.destroy());
  tracked.sessions.forEach((session) => session.destroy());
  tracked.server.closeAllConnections?.();
}

function webSocketOf(client: WebSocketLike | { socket: WebSocketLike }): WebSocketLike | null {
  if (client && typeof (client as WebSocketLike).close === 'function') return client as WebSocketLike;
  const inner = (client as { socket?: WebSocketLike }).socket;
  return inner && typeof inner.close === 'function' ? inner : null;
}

function openWebSockets(wss: WebSocketServerLike): WebSocketLike[] {
  const open: WebSocketLike[] = [];
  Array.from(wss.clients).forEach((client) => {
    const ws = webSocketOf(client);
    if (ws && ws.readyState < WEBSOCKET_CLOSING) open.push(ws);
  });
  return open;
}

/**
 * Stops a WebSocket server accepting and closes its clients with 1001; resolves when they are closed.
 * With graceMs, a client that has not answered the close frame by then is terminated.
 */
export function closeWebSocketServer(wss: WebSocketServerLike, graceMs?: number): Promise<void> {
  const clients = openWebSockets(wss);
  const closed = clients.map(
    (ws) =>
      new Promise<void>((resolve) => {
        const timer = graceMs === undefined ? undefined : setTimeout(() => {
          ws.terminate?.();
          resolve();
        }, graceMs);
        if (ws.once) {
          ws.once('close', () => {
            if (timer !== undefined) clearTimeout(timer);
            resolve();
          });
        } else if (timer === undefined) resolve();
        try {
          ws.close(GOING_AWAY, 'server shutting down');
        } catch {
          ws.terminate?.();
        }
      }),
  );
  const stopped = new Promise<void>((resolve) => {
    if (typeof wss.close !== 'function') return resolve();
    try {
      // ws takes a callback; Vite's server.ws returns a promise instead.
      const result = wss.close(() => resolve());
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(() => resolve(), () => resolve());
      }
    } catch {
      resolve(); // already closed
    }
  });
  return Promise.all([stopped, ...closed]).then((): void => undefined);
}

/** Terminates a WebSocket server's clients (at the deadline). */
export function terminateWebSockets(wss: WebSocketServerLike): void {
  Array.from(wss.clients).forEach((client) => webSocketOf(client)?.terminate?.());
}
