/**
 * The load held on the app through its shutdown: idle keep-alive connections (each made one
 * request, then waits, as a browser or a proxy's pool does) and clients sending requests back to
 * back on keep-alive connections. Every request's fate is counted: answered, lost (accepted by the
 * server and never answered: reset, hung up, or still open when the app is gone), or refused (no
 * listener: the connection was never accepted).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { within, type Clock, type RequestCounts } from './types.js';

export interface LoadTarget {
  host: string;
  port: number;
  path: string;
}

/**
 * Between an answer and the next request on the same connection, a client pauses this long (real
 * clients always do). A server that closes the connection as it finishes an answer (without
 * `Connection: close`) has its FIN arrive in that pause, and the agent opens a new connection
 * instead of writing into a closed one.
 */
const THINK_MS = 5;
const REFUSED_BACKOFF_MS = 20;
const STAGGER_MS = 200;

type Fate =
  | { kind: 'answered'; status: number; at: number }
  | { kind: 'lost'; why: 'reset' | 'hangup' | 'timeout'; at: number }
  | { kind: 'refused'; at: number }
  | { kind: 'retry'; at: number }
  /** Given up on by stop(), which counted it already. */
  | { kind: 'abandoned'; at: number };

export class Load {
  private readonly counts: RequestCounts = {
    answered: 0,
    answeredBefore: 0,
    lost: 0,
    lostReset: 0,
    lostHangup: 0,
    lostTimeout: 0,
    refused: 0,
    retried: 0,
    statuses: {},
    idleHeld: 0,
    idleClosed: 0,
  };
  private signalAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private appGone = false;
  private killed = false;
  private readonly agents: http.Agent[] = [];
  private readonly open = new Set<http.ClientRequest>();
  private readonly idleSockets = new Set<Socket>();
  private readonly abandoned = new WeakSet<http.ClientRequest>();
  private workers: Promise<void>[] = [];
  private refusedAfterSignal = false;

  constructor(
    private readonly target: LoadTarget,
    private readonly clock: Clock,
  ) {}

  /** Opens the idle connections, then starts the clients. */
  async start(connections: number, concurrency: number): Promise<void> {
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, timeout: 0 });
    this.agents.push(idleAgent);
    const opened = await Promise.all(Array.from({ length: connections }, () => this.openIdle(idleAgent)));
    this.counts.idleHeld = opened.filter(Boolean).length;
    for (let i = 0; i < concurrency; i++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1, timeout: 0 });
      this.agents.push(agent);
      this.workers.push(this.worker(agent, Math.floor((i * STAGGER_MS) / Math.max(1, concurrency))));
    }
  }

  markSignal(at: number): void {
    this.signalAt = at;
  }

  /** SIGKILL is on its way: what closes from now on was not closed by the app. */
  markKilled(): void {
    this.killed = true;
  }

  /** The app has exited: nothing more can be answered. */
  markAppGone(): void {
    this.appGone = true;
  }

  get refusedAfterClose(): boolean {
    return this.refusedAfterSignal;
  }

  /**
   * Stops sending; waits up to `settleMs` for requests in flight to end (after the app is gone they
   * end at once), then counts what is still open as lost (timed out) and closes everything.
   */
  async stop(settleMs: number): Promise<RequestCounts> {
    this.stopped = true;
    const until = this.clock.now() + settleMs;
    while (this.open.size > 0 && this.clock.now() < until) await this.clock.sleep(10);
    for (const req of [...this.open]) {
      this.count({ kind: 'lost', why: 'timeout', at: this.clock.now() });
      this.open.delete(req);
      this.abandoned.add(req);
      req.destroy();
    }
    await within(this.clock, 1000, Promise.all(this.workers));
    for (const agent of this.agents) agent.destroy();
    for (const s of this.idleSockets) s.destroy();
    return { ...this.counts, statuses: { ...this.counts.statuses } };
  }

  private async openIdle(agent: http.Agent): Promise<boolean> {
    const fate = await this.request(agent, false);
    if (fate.kind !== 'answered') return false;
    return true;
  }

  private async worker(agent: http.Agent, startAfterMs: number): Promise<void> {
    // Spread the clients' starts, so their requests are not all in the same phase.
    await this.clock.sleep(startAfterMs);
    while (!this.stopped) {
      // A request on a reused keep-alive connection that the server closed before reading it is
      // retried once on a new connection, as HTTP clients do (RFC 9112 §9.3.1; Node documents
      // `req.reusedSocket` for it), and the retry's fate is the request's. Which failures those are
      // is told by the kernel, not by a clock (see request()): a wall-clock window loses them on a
      // loaded machine, where either process can be descheduled for longer than any window.
      let fate = await this.request(agent, true);
      if (fate.kind === 'abandoned') break;
      if (fate.kind === 'retry') {
        this.counts.retried++;
        fate = await this.request(agent, true, true);
        if (fate.kind === 'abandoned') break;
        if (fate.kind === 'retry') fate = { kind: 'lost', why: 'reset', at: fate.at };
      }
      this.count(fate);
      if (fate.kind === 'answered') await this.clock.sleep(THINK_MS);
      // No listener: try again shortly (the app may still be draining), until it is gone.
      if (fate.kind === 'refused') {
        if (this.appGone) break;
        await this.clock.sleep(REFUSED_BACKOFF_MS);
      }
      if (fate.kind === 'lost' && this.appGone) break;
    }
  }

  private count(fate: Fate): void {
    const after = fate.at >= this.signalAt;
    switch (fate.kind) {
      case 'answered':
        if (after) {
          this.counts.answered++;
          this.counts.statuses[String(fate.status)] = (this.counts.statuses[String(fate.status)] ?? 0) + 1;
        } else this.counts.answeredBefore++;
        break;
      case 'lost':
        this.counts.lost++;
        if (fate.why === 'reset') this.counts.lostReset++;
        else if (fate.why === 'hangup') this.counts.lostHangup++;
        else this.counts.lostTimeout++;
        break;
      case 'refused':
        if (after) {
          this.counts.refused++;
          // Refused while the app still runs: it stopped listening and is draining.
          if (!this.appGone && !this.killed) this.refusedAfterSignal = true;
        }
        break;
      case 'retry':
      case 'abandoned':
        break;
    }
  }

  /**
   * One GET. `track`: count it in the stream (idle openers are not). A request still open when
   * stop() gives up is counted there; its later settling is ignored.
   */
  private request(agent: http.Agent, track: boolean, noRetry = false): Promise<Fate> {
    return new Promise<Fate>((resolveFate) => {
      let settled = false;
      let gotBytes = false;
      /** An event-loop turn (one poll for I/O) has passed since the request was written. */
      let polledSinceWrite = false;
      const settle = (fate: Fate): void => {
        if (settled) return;
        settled = true;
        this.open.delete(req);
        resolveFate(this.abandoned.has(req) ? { kind: 'abandoned', at: fate.at } : fate);
      };
      const req = http.request({
        host: this.target.host,
        port: this.target.port,
        path: this.target.path,
        method: 'GET',
        agent,
        headers: { 'user-agent': 'create-graceful-shutdown-verify' },
      });
      if (track) this.open.add(req);
      req.on('finish', () => setImmediate(() => (polledSinceWrite = true)));
      req.on('socket', (socket: Socket) => {
        if (!track) {
          this.idleSockets.add(socket);
          socket.once('close', () => {
            if (!this.appGone && !this.killed) this.counts.idleClosed++;
            this.idleSockets.delete(socket);
          });
        }
      });
      req.on('response', (res) => {
        gotBytes = true;
        res.on('data', () => {});
        res.on('end', () => settle({ kind: 'answered', status: res.statusCode ?? 0, at: this.clock.now() }));
        res.on('aborted', () => settle({ kind: 'lost', why: 'hangup', at: this.clock.now() }));
        res.on('error', () => settle({ kind: 'lost', why: 'hangup', at: this.clock.now() }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        const now = this.clock.now();
        if (e.code === 'ECONNREFUSED') return settle({ kind: 'refused', at: now });
        // Closed before the server read it, no byte of answer: a reset (e.syscall set: the server's
        // kernel resets a connection its app closes with bytes unread, however late that is), or an
        // end already waiting at the first poll after the write (the server's FIN came before it).
        // A request the server read and dropped ends with a FIN later ('socket hang up'): lost.
        if (!noRetry && !gotBytes && req.reusedSocket && (e.syscall !== undefined || !polledSinceWrite)) {
          return settle({ kind: 'retry', at: now });
        }
        settle({ kind: 'lost', why: e.code === 'ECONNRESET' ? 'reset' : 'hangup', at: now });
      });
      req.end();
    });
  }
}
