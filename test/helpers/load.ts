/**
 * The load a stop must survive, one implementation for every harness: raw keep-alive connections
 * that stay open after their response (as browsers, proxies and agents keep them), requests in
 * flight on them, WebSocket clients, and clients on Node's own http.Agent. The harnesses count what
 * each client got (answered, lost, reset) from what these return; none of them reads src/.
 */
import http from 'node:http';
import net, { type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Response {
  /** The status line's code; 0 when no response head arrived. */
  status: number;
  headers: string;
  body: string;
  /** Date.now() when the whole response had arrived (or the connection ended without it). */
  at: number;
  /** The whole body arrived (by Content-Length or the last chunk), not cut by the connection ending. */
  complete: boolean;
}

export interface ConnectionOptions {
  /** Over TLS, accepting the app's self-signed certificate. */
  tls?: boolean;
  /** The Host header (a dev server checks it against its allowed hosts). */
  host?: string;
}

/** How the server ended a connection: 'FIN', a socket error code, or 'close'; `at` is performance.now(). */
export interface Ended {
  how: string;
  at: number;
}

/** One HTTP/1.1 client connection that stays open after its response; requests go one at a time. */
export class Connection {
  readonly socket: Socket;
  /** Resolves once connected (for TLS, once the handshake is done); rejects when the connection fails. */
  readonly ready: Promise<void>;
  readonly ended: Promise<Ended>;
  /** Date.now() when the connection closed; null while open. */
  closedAt: number | null = null;
  private readonly hostHeader: string;
  private buf = Buffer.alloc(0);
  private pending: ((complete: boolean) => void) | null = null;

  constructor(port: number, options: ConnectionOptions = {}) {
    const tls = options.tls === true;
    this.hostHeader = options.host ?? 'localhost';
    this.socket = tls ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect({ port, host: '127.0.0.1' });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      this.socket.once('error', reject);
    });
    // A failed connect is also seen by request() and ended; a caller that never awaits ready must not crash.
    this.ready.catch(() => undefined);
    let how = 'close';
    this.ended = new Promise((resolve) => {
      this.socket.on('end', () => {
        how = 'FIN';
        this.socket.end();
      });
      this.socket.on('error', (e: NodeJS.ErrnoException) => (how = e.code ?? 'error'));
      this.socket.on('close', () => {
        this.closedAt = Date.now();
        this.pending?.(false);
        resolve({ how, at: performance.now() });
      });
    });
    this.socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.pending && this.bodyDone()) this.pending(true);
    });
  }

  get closed(): boolean {
    return this.closedAt !== null;
  }

  /** One GET; resolves when the response is whole or the connection ends, never rejects. */
  request(path: string): Promise<Response> {
    this.buf = Buffer.alloc(0);
    return new Promise((resolve) => {
      if (this.closed) return resolve(this.response(false));
      this.pending = (complete) => {
        this.pending = null;
        resolve(this.response(complete));
      };
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n`);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private head(): { head: string; body: Buffer } | null {
    const end = this.buf.indexOf('\r\n\r\n');
    return end < 0 ? null : { head: this.buf.subarray(0, end).toString('latin1'), body: this.buf.subarray(end + 4) };
  }

  private bodyDone(): boolean {
    const parts = this.head();
    if (!parts) return false;
    const length = /\r\ncontent-length: *(\d+)/i.exec(parts.head)?.[1];
    if (length !== undefined) return parts.body.length >= Number(length);
    return /\r\ntransfer-encoding: *chunked/i.test(parts.head) && /(^|\r\n)0\r\n\r\n$/.test(parts.body.toString('latin1'));
  }

  private response(complete: boolean): Response {
    const parts = this.head();
    const headers = parts ? parts.head : this.buf.toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1] ?? 0);
    return { status, headers, body: parts ? parts.body.toString('utf8') : '', at: Date.now(), complete };
  }
}

/** One GET on a fresh connection, closed afterwards; a refused or cut connection gives status 0 / complete false. */
export async function request(port: number, path: string, options: ConnectionOptions = {}): Promise<Response> {
  const c = new Connection(port, options);
  const r = await c.request(path);
  c.destroy();
  return r;
}

export interface IdleOptions extends ConnectionOptions {
  path?: string;
  /** How many connect at once (a loaded machine's accept queue is finite). */
  batch?: number;
  /** Whether the one answer makes a usable idle connection; by default a whole 200. */
  accept?: (r: Response) => boolean;
}

/** Opens `n` keep-alive connections that each got one answer and now sit idle. Throws (closing them) when one is not accepted. */
export async function openIdle(port: number, n: number, options: IdleOptions = {}): Promise<Connection[]> {
  const { path = '/fast', batch = 100, accept = (r: Response) => r.complete && r.status === 200 } = options;
  const out: Connection[] = [];
  for (let i = 0; i < n; i += batch) {
    const conns = Array.from({ length: Math.min(batch, n - i) }, () => new Connection(port, options));
    out.push(...conns);
    const answers = await Promise.all(conns.map((c) => c.request(path)));
    const bad = answers.find((r) => !accept(r));
    if (bad) {
      closeAll(out);
      throw new Error(`idle connection setup got ${bad.status}${bad.complete ? '' : ' (cut)'}`);
    }
  }
  return out;
}

/** Opens `n` connections that never send a request (a browser's preconnects); resolves once all are connected. */
export async function openSilent(port: number, n: number, options: ConnectionOptions = {}): Promise<Connection[]> {
  const conns = Array.from({ length: n }, () => new Connection(port, options));
  try {
    await Promise.all(conns.map((c) => c.ready));
  } catch (e) {
    closeAll(conns);
    throw e;
  }
  return conns;
}

export function closeAll(conns: { destroy(): void }[]): void {
  for (const c of conns) c.destroy();
}

/** True when a new connection to the port is refused. */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** Whether anything still accepts connections on the port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------- WebSocket clients

export interface WsOptions {
  protocols?: string[];
  /** The Origin a page served from there sends (Vite's HMR socket checks it). */
  origin?: string;
  /** Speak Engine.IO v4 as a socket.io client does, so the server keeps the client. */
  socketIo?: boolean;
}

export interface WsClient {
  ws: WebSocket;
  /** The first message, listened for before 'open': it can arrive in the same chunk as the handshake. */
  firstMessage: Promise<string>;
  /** `at` is performance.now(). */
  closed: Promise<{ code: number; at: number }>;
  /** The close code once closed; null while open. */
  closeCode: number | null;
}

/** Resolves once open; rejects when the handshake fails. */
export function openWebSocket(url: string, options: WsOptions = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], {
      rejectUnauthorized: false,
      ...(options.origin ? { origin: options.origin } : {}),
    });
    const firstMessage = new Promise<string>((done) => ws.once('message', (d) => done(String(d))));
    const client: WsClient = { ws, firstMessage, closed: Promise.resolve({ code: 0, at: 0 }), closeCode: null };
    client.closed = new Promise((done) =>
      ws.on('close', (code) => {
        client.closeCode = code;
        done({ code, at: performance.now() });
      }),
    );
    if (options.socketIo) {
      // Engine.IO v4 over a WebSocket: "0{...}" open, "40" joins the default namespace, "2"/"3" ping/pong.
      ws.on('message', (data) => {
        const m = String(data);
        if (m.startsWith('0{')) ws.send('40');
        else if (m === '2') ws.send('3');
      });
    }
    ws.on('error', (err) => {
      if (ws.readyState === WebSocket.CONNECTING) reject(err);
    });
    ws.on('open', () => resolve(client));
  });
}

// ---------------------------------------------------------------- clients on Node's http.Agent

export async function waitForHttp(port: number, path: string, deadlineMs: number, alive: () => boolean): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (!alive()) throw new Error('the container exited before it answered');
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode !== undefined);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => {
        req.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing answered on port ${port} within ${deadlineMs} ms`);
    await sleep(200);
  }
}

/** Open `count` keep-alive sockets on an agent that each answered one request and now sit idle. */
export async function idleKeepAlive(port: number, path: string, count: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: count, keepAliveMsecs: 60_000 });
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', reject);
        }),
    ),
  );
  return agent;
}

export interface InFlight {
  results: Promise<(number | string)[]>;
  agent: http.Agent;
}

/** Start `count` requests on an agent; each result is a status or an error code. */
export function inFlight(port: number, path: string, count: number): InFlight {
  const agent = new http.Agent({ keepAlive: true, maxSockets: count });
  const results = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number | string>((resolve) => {
          const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
          });
          req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        }),
    ),
  );
  return { results, agent };
}

export interface OwnCounts {
  answered: number;
  /** Connected, sent, and got no complete answer. */
  lost: number;
  refused: number;
  /**
   * Written on a reused connection that the server closed before reading it, and so sent again on a
   * new connection; the second try's fate is counted in the others.
   */
  retried: number;
}

type Fate = 'answered' | 'lost' | 'refused' | 'closed unread';

/**
 * A steady load independent of src/verify's: `concurrency`
 * clients on Node's standard keep-alive agent (one connection each, as a service calling another
 * does), a 10 ms pause between requests, from the first answer until `until` settles. A request
 * whose connection was accepted and that got no complete answer is lost. One on a reused connection
 * that the server closed before reading it is sent once more, as Node documents for
 * `req.reusedSocket`, and counts as that second try does.
 */
export async function ownLoad(port: number, path: string, concurrency: number, until: Promise<unknown>): Promise<OwnCounts> {
  const counts: OwnCounts = { answered: 0, lost: 0, refused: 0, retried: 0 };
  let stop = false;
  void until.then(() => (stop = true));
  // Up first: the app answers once.
  while (!stop && (await once(port, path, false)) !== 'answered') await sleep(100);
  const agents: http.Agent[] = [];
  const client = async (): Promise<void> => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    while (!stop) {
      let fate = await once(port, path, agent);
      if (fate === 'closed unread') {
        counts.retried++;
        fate = await once(port, path, agent);
        // Closed unread a second time: that connection was new (the dead one left the agent), so lost.
        if (fate === 'closed unread') fate = 'lost';
      }
      counts[fate]++;
      await sleep(fate === 'refused' ? 20 : 10);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  for (const a of agents) a.destroy();
  return counts;
}

/**
 * One GET. A failure on a reused connection before any byte of answer means the server closed it
 * without reading the request when the kernel reports a reset (its app closed the connection with
 * the request unread), or when it came before the event loop's next poll after the request was
 * written (the server's FIN had arrived already). Not a wall-clock window: a loaded machine delays
 * either process for any length of time.
 */
function once(port: number, path: string, agent: http.Agent | false): Promise<Fate> {
  return new Promise((resolve) => {
    let connected = false;
    let answering = false;
    let polled = false;
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      answering = true;
      res.resume();
      res.on('end', () => resolve('answered'));
      res.on('aborted', () => resolve('lost'));
      res.on('error', () => resolve('lost'));
    });
    req.on('socket', (s) => {
      if (!s.connecting) connected = true;
      else s.on('connect', () => (connected = true));
    });
    req.on('finish', () => setImmediate(() => (polled = true)));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !answering && (e.syscall !== undefined || !polled)) return resolve('closed unread');
      resolve(connected ? 'lost' : 'refused');
    });
  });
}
