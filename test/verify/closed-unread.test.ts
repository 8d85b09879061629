/**
 * Both load clients (src/verify's and this test's own) against a real keep-alive server that ends
 * each connection after one answer, in one of two ways. It closes the connection with the next
 * request left unread (what a drain closing an idle connection does when a request is on its way):
 * the client retries it on a new connection and nothing is lost, however long after the write the
 * close comes (a wall-clock window lost it on a loaded machine). Or it reads the next request and
 * drops it: lost, not retried.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Load } from '../../src/verify/load.js';
import { realPorts } from '../../src/verify/ports.js';
import { ownLoad, sleep } from './helpers.js';

/** Longer than the old 25 ms (verify) and 10 ms (own client) windows, so the outcome cannot rest on one. */
const CLOSE_AFTER_MS = 60;
/** How long the clients run: several connections' worth of requests. */
const RUN_MS = 500;

const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok';

/**
 * The server runs in a worker thread, so that it can hold its event loop still (as a drain closing
 * connections from its signal handler does) while the client's next request reaches its kernel.
 * 'unread': after the first answer it waits, then closes the connection with that request unread in
 * the same turn (the kernel resets it). 'read': it reads the next request and closes the connection
 * later without answering.
 */
const SERVER = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const pause = new Int32Array(new SharedArrayBuffer(4));
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  let requests = 0;
  socket.on('data', () => {
    requests++;
    if (requests === 1) {
      socket.write(workerData.answer);
      if (workerData.then === 'unread') {
        Atomics.wait(pause, 0, 0, workerData.closeAfterMs);
        socket.destroy();
      }
    } else setTimeout(() => socket.destroy(), workerData.closeAfterMs);
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

let worker: Worker | null = null;
afterEach(async () => {
  await worker?.terminate();
  worker = null;
});

async function oneAnswerServer(then: 'unread' | 'read'): Promise<number> {
  await worker?.terminate();
  worker = new Worker(SERVER, { eval: true, workerData: { then, answer: ANSWER, closeAfterMs: CLOSE_AFTER_MS } });
  const [port] = (await once(worker, 'message')) as [number];
  return port;
}

async function verifyLoad(port: number) {
  const { clock } = realPorts(() => {}, new AbortController().signal);
  const load = new Load({ host: '127.0.0.1', port, path: '/' }, clock);
  load.markSignal(clock.now()); // every answer counts as one after the signal
  await load.start(0, 1);
  await sleep(RUN_MS);
  // Settling waits for the request in flight: at most CLOSE_AFTER_MS.
  return load.stop(1000);
}

describe('load clients: a keep-alive connection closed with the next request unread or read', () => {
  it('src/verify: closed unread is retried on a new connection and answered; read and dropped is lost', async () => {
    const unread = await verifyLoad(await oneAnswerServer('unread'));
    expect(unread.retried, JSON.stringify(unread)).toBeGreaterThan(0);
    expect(unread.lost, JSON.stringify(unread)).toBe(0);
    // Each retry is a new connection's first request: answered.
    expect(unread.answered, JSON.stringify(unread)).toBeGreaterThanOrEqual(unread.retried);

    const read = await verifyLoad(await oneAnswerServer('read'));
    expect(read.lost, JSON.stringify(read)).toBeGreaterThan(0);
    expect(read.retried, JSON.stringify(read)).toBe(0);
  }, 10_000);

  it("this test's own client: the same", async () => {
    const unread = await ownLoad(await oneAnswerServer('unread'), '/', 1, sleep(RUN_MS));
    expect(unread.retried, JSON.stringify(unread)).toBeGreaterThan(0);
    expect(unread.lost, JSON.stringify(unread)).toBe(0);

    const read = await ownLoad(await oneAnswerServer('read'), '/', 1, sleep(RUN_MS));
    expect(read.lost, JSON.stringify(read)).toBeGreaterThan(0);
    expect(read.retried, JSON.stringify(read)).toBe(0);
  }, 10_000);
});
