/**
 * The runtime sources imported as they are (src/runtime/*.ts), in this process: the drain against a real
 * node:http server and real sockets, and the registry's functions that do not end the process.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { destroyServer, drainServer, trackServer, type DrainableServer } from '../../src/runtime/drain.js';
import {
  isReady,
  isShuttingDown,
  readinessCheck,
  registerShutdownHandler,
  removeShutdownHandler,
  shutdownSignal,
} from '../../src/runtime/shutdown.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections();
});

/** A server whose /slow requests wait until `release` is called. */
async function start(): Promise<{ server: Server; port: number; release: () => void }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((req, res) => {
    if (req.url === '/slow') void gate.then(() => res.end('done'));
    else res.end('ok');
  });
  server.keepAliveTimeout = 65_000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, release };
}

function open(port: number): Promise<Socket & { gone: Promise<void>; text: () => string }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }) as Socket & { gone: Promise<void>; text: () => string };
    let data = '';
    socket.setEncoding('utf8').on('data', (d: string) => (data += d));
    socket.on('error', () => undefined);
    socket.text = () => data;
    socket.gone = new Promise((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve(socket));
  });
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

describe('drain (src/runtime/drain.ts)', () => {
  it('closes idle keep-alive and never-used connections at once, lets an in-flight response end with Connection: close', async () => {
    const { server, port, release } = await start();
    const tracked = trackServer(server as unknown as DrainableServer);
    const idle = await open(port);
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => idle.text().includes('ok'));
    const silent = await open(port);
    const busy = await open(port);
    busy.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => tracked.responses.size === 1 && tracked.connections.size === 3);

    const drained = drainServer(tracked);
    await Promise.all([idle.gone, silent.gone]);
    expect(busy.destroyed).toBe(false);
    release();
    await busy.gone;
    await drained;
    expect(busy.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n[\s\S]*done$/i);
    expect(tracked.connections.size).toBe(0);
  });

  it('ends a socket whose response had started before the drain once that response ends', async () => {
    const { server, port } = await start();
    server.removeAllListeners('request');
    let finish!: () => void;
    server.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      finish = () => res.end();
    });
    const tracked = trackServer(server as unknown as DrainableServer);
    const stream = await open(port);
    stream.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => stream.text().includes('data: 1'));
    const drained = drainServer(tracked);
    await new Promise((r) => setTimeout(r, 50));
    expect(stream.destroyed).toBe(false);
    finish();
    await stream.gone;
    await drained;
  });

  it('stops listening before it closes a connection: a client whose idle connection closes cannot reconnect into the backlog', async () => {
    const { server, port } = await start();
    const tracked = trackServer(server as unknown as DrainableServer);
    // Whether the listener was still open at each close (recorded only; the close itself is Node's).
    const listeningAtClose: boolean[] = [];
    server.on('connection', (socket: Socket) => {
      const destroy = socket.destroy;
      socket.destroy = function (this: Socket, ...args: Parameters<Socket['destroy']>) {
        listeningAtClose.push(server.listening);
        return destroy.apply(this, args);
      };
    });
    const idle = await open(port);
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => idle.text().includes('ok'));
    const drained = drainServer(tracked);
    await idle.gone;
    await drained;
    // http.Server's close() (Node >= 19) would close it while still listening: a reconnect in between is reset.
    expect(listeningAtClose.length).toBeGreaterThan(0);
    expect(listeningAtClose).not.toContain(true);
  });

  it('destroyServer cuts what is left', async () => {
    const { server, port } = await start();
    const tracked = trackServer(server as unknown as DrainableServer);
    const busy = await open(port);
    busy.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => tracked.responses.size === 1);
    void drainServer(tracked);
    destroyServer(tracked);
    await busy.gone;
    expect(busy.text()).toBe('');
  });
});

describe('registry (src/runtime/shutdown.ts), before any shutdown', () => {
  it('is ready, not shutting down, its signal not aborted; handlers register and unregister', () => {
    expect(isReady()).toBe(true);
    expect(isShuttingDown()).toBe(false);
    expect(shutdownSignal.aborted).toBe(false);
    const off = registerShutdownHandler('a', () => undefined, { phase: 'drain' });
    registerShutdownHandler('b', () => undefined);
    expect(removeShutdownHandler('b')).toBe(true);
    expect(removeShutdownHandler('b')).toBe(false);
    off();
    expect(removeShutdownHandler('a')).toBe(false);
  });

  it('readinessCheck answers 200 ok', async () => {
    const server = createServer(readinessCheck);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`);
    expect({ status: res.status, body: await res.text(), cache: res.headers.get('cache-control') }).toEqual({
      status: 200,
      body: 'ok',
      cache: 'no-store',
    });
    server.close();
  });
});
