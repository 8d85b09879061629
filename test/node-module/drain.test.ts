/**
 * The generated module drains real servers: express, fastify, koa, node:http and node:http + ws, each
 * under 1,000 idle keep-alive connections (keepAliveTimeout 65 s) and 50 in-flight 1 s requests.
 */
import { execFile } from 'node:child_process';
import { connect as connectHttp2 } from 'node:http2';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAll,
  closeAll,
  connectionRefused,
  newConnectionServed,
  killAll,
  openIdle,
  openSilent,
  removeTempDirs,
  request,
  sleep,
  startServer,
  tempDir,
  type BuiltVariant,
  type IdleConnection,
  type VariantName,
} from './helpers.js';
import { openWebSocket } from '../helpers/load.js';

let built: Record<VariantName, BuiltVariant>;
const opened: IdleConnection[][] = [];

beforeAll(async () => {
  built = await buildAll();
});
// Tests run concurrently: clean up once all are done (apps exit on their own when a test passes).
afterAll(async () => {
  await killAll();
  for (const c of opened.splice(0)) closeAll(c);
  removeTempDirs();
});

/** Exit well under 5 s: the floor is the ~1 s of work left; the rest is slack for a loaded machine. */
const EXIT_BOUND_MS = 3500;
const IDLE = 1000;
const IN_FLIGHT = 50;

// Each framework with a different variant, so the heavy load covers every framework and every variant.
const CASES: [framework: string, variant: VariantName][] = [
  ['http', 'js-cjs'],
  ['express', 'ts-esm'],
  ['fastify', 'js-esm'],
  ['koa', 'ts-cjs'],
];

// One at a time: five apps with 1,000 connections each would starve a shared 2-core machine.
describe('SIGTERM under load', () => {
  for (const [framework, variant] of CASES) {
    it(`${framework} (${variant}): every in-flight request gets 200, idle sockets close at once, exit 0`, async () => {
      const { app, port } = await startServer(`apps/${framework}.mjs`, built[variant]);
      const idle = await openIdle(port, IDLE);
      opened.push(idle);
      const flights = Array.from({ length: IN_FLIGHT }, () => request(port, '/slow'));
      await app.waitForCount(/^slow$/, IN_FLIGHT);

      const sentAt = Date.now();
      app.kill('SIGTERM');
      await app.waitFor(/shutting down/);
      await sleep(100); // the line is printed just before the listener closes
      const served = await newConnectionServed(port);
      const responses = await Promise.all(flights);
      const exit = await app.exited;

      expect(responses.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(200));
      expect(responses.map((r) => r.body)).toEqual(Array(IN_FLIGHT).fill('done'));
      expect(responses.every((r) => /\r\nconnection: close/i.test(r.headers))).toBe(true);
      expect(served).toBe(false);
      // Idle keep-alive sockets were closed by the drain, before the in-flight work (1 s from the start of the
      // shutdown, see lib.mjs) ended, not by the exit.
      const firstResponse = Math.min(...responses.map((r) => r.at));
      expect(idle.filter((c) => c.closedAt === null || c.closedAt > firstResponse)).toHaveLength(0);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
      expect(app.marks()).toEqual(['final']);
    });
  }

  it('connections that never sent a request (preconnects) close at once; in-flight requests still get 200; exit 0', async () => {
    const { app, port } = await startServer('apps/http.mjs', built['ts-esm']);
    const silent = await openSilent(port, 100);
    opened.push(silent);
    const flights = Array.from({ length: 10 }, () => request(port, '/slow'));
    await app.waitForCount(/^slow$/, 10);

    const sentAt = Date.now();
    app.kill('SIGTERM');
    const responses = await Promise.all(flights);
    const exit = await app.exited;

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    // Closed by the drain, before the in-flight work (1 s from the start of the shutdown) ended.
    const firstResponse = Math.min(...responses.map((r) => r.at));
    expect(silent.filter((c) => c.closedAt === null || c.closedAt > firstResponse)).toHaveLength(0);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
  });

  it('node:http + ws (js-esm): WebSocket clients get 1001, in-flight requests 200, exit 0', async () => {
    const { app, port } = await startServer('apps/ws.mjs', built['js-esm']);
    const idle = await openIdle(port, IDLE);
    opened.push(idle);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => openWebSocket(`ws://127.0.0.1:${port}`)));
    const flights = Array.from({ length: IN_FLIGHT }, () => request(port, '/slow'));
    await app.waitForCount(/^slow$/, IN_FLIGHT);

    const sentAt = Date.now();
    app.kill('SIGTERM');
    const codes = (await Promise.all(sockets.map((s) => s.closed))).map((s) => s.code);
    const responses = await Promise.all(flights);
    const exit = await app.exited;

    expect(codes).toEqual(Array(20).fill(1001));
    expect(responses.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(200));
    const firstResponse = Math.min(...responses.map((r) => r.at));
    expect(idle.filter((c) => c.closedAt === null || c.closedAt > firstResponse)).toHaveLength(0);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
  });
});

describe.concurrent('WebSockets, HTTPS, HTTP/2 and readiness', () => {
  it('node:https (js-cjs): idle TLS keep-alive sockets close at once, in-flight requests get 200, exit 0', async () => {
    const dir = tempDir('gs-node-tls-');
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ]);
    const { app, port } = await startServer('apps/https.mjs', built['js-cjs'], { TLS_KEY: key, TLS_CERT: cert });
    const idle = await openIdle(port, 100, { tls: true });
    opened.push(idle);
    const flights = Array.from({ length: 10 }, () => request(port, '/slow', { tls: true }));
    await app.waitForCount(/^slow$/, 10);

    const sentAt = Date.now();
    app.kill('SIGTERM');
    const responses = await Promise.all(flights);
    const exit = await app.exited;

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(responses.every((r) => /\r\nconnection: close/i.test(r.headers))).toBe(true);
    const firstResponse = Math.min(...responses.map((r) => r.at));
    expect(idle.filter((c) => c.closedAt === null || c.closedAt > firstResponse)).toHaveLength(0);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
  });

  it('node:http2 (ts-esm): idle sessions close at once, streams in flight finish with 200, exit 0', async () => {
    const { app, port } = await startServer('apps/http2.mjs', built['ts-esm']);
    const get = (session: ReturnType<typeof connectHttp2>, path: string) =>
      new Promise<{ status: number; body: string; at: number }>((resolve, reject) => {
        const req = session.request({ ':path': path });
        let status = 0;
        let body = '';
        req.setEncoding('utf8');
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('data', (d: string) => (body += d));
        req.on('end', () => resolve({ status, body, at: Date.now() }));
        req.on('error', reject);
      });
    const idle = connectHttp2(`http://127.0.0.1:${port}`);
    idle.on('error', () => undefined);
    expect(await get(idle, '/fast')).toMatchObject({ status: 200, body: 'ok' });
    const idleClosed = new Promise<number>((resolve) => idle.once('close', () => resolve(Date.now())));
    const busy = connectHttp2(`http://127.0.0.1:${port}`);
    busy.on('error', () => undefined);
    const flights = Array.from({ length: 5 }, () => get(busy, '/slow'));
    await app.waitForCount(/^slow$/, 5);

    const sentAt = Date.now();
    app.kill('SIGTERM');
    const idleAt = await idleClosed;
    const responses = await Promise.all(flights);
    const exit = await app.exited;
    busy.close();

    expect(responses.map(({ status, body }) => ({ status, body }))).toEqual(Array(5).fill({ status: 200, body: 'done' }));
    expect(idleAt).toBeLessThanOrEqual(Math.min(...responses.map((r) => r.at))); // closed by the drain, not the exit
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
    expect(app.marks()).toEqual(['final']);
  });

  it('a WebSocket client that never answers the close frame gets 1001, then is terminated; exit 1', async () => {
    // timeoutMs 2000: connections still open when 500 ms (a quarter) is left are destroyed.
    const { app, port } = await startServer('apps/ws.mjs', built['ts-cjs'], { TIMEOUT_MS: '2000' });
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    let received = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    socket.write(
      'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await app.waitFor(/^ws open$/);

    const sentAt = Date.now();
    app.kill('SIGTERM');
    const closedAt = await closed;
    const exit = await app.exited;

    const frames = received.subarray(received.indexOf('\r\n\r\n') + 4);
    expect(frames[0]).toBe(0x88); // FIN + close frame
    expect(frames.readUInt16BE(2)).toBe(1001);
    expect(closedAt - sentAt).toBeGreaterThanOrEqual(1000); // waited for the handshake, not cut at once
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
    expect(app.marks()).toEqual(['final']); // handlers still ran after the connection was destroyed
  });

  it('readiness answers 503 during the shutdown delay while connections are still accepted', async () => {
    const { app, port } = await startServer('apps/http.mjs', built['ts-esm'], { DELAY_MS: '600' });
    expect(await request(port, '/ready')).toMatchObject({ status: 200, body: 'ok' });

    const sentAt = Date.now();
    app.kill('SIGTERM');
    await app.waitFor(/shutting down/);
    const during = await request(port, '/ready');
    await sleep(900);
    const refusedAfter = await connectionRefused(port);
    const exit = await app.exited;

    expect(during).toMatchObject({ status: 503, body: 'shutting down' });
    expect(refusedAfter).toBe(true);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt).toBeGreaterThanOrEqual(500);
    expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
  });
});
