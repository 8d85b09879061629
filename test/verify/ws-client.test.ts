/** The minimal WebSocket client against a real `ws` server: the close code sent, or 1006 without a close frame. */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { connectWebSocket } from '../../src/verify/ws-client.js';

let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function wsServer(onConnection: (ws: import('ws').WebSocket) => void): Promise<number> {
  server = http.createServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ server, path: '/live' });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('verify: WebSocket client', () => {
  it('reads the close code the server sends, answering pings meanwhile', async () => {
    let ponged = false;
    const port = await wsServer((ws) => {
      ws.on('pong', () => {
        ponged = true;
        ws.close(1001, 'going away');
      });
      ws.ping();
    });
    const conn = await connectWebSocket({ host: '127.0.0.1', port, path: '/live' }, 5000);
    expect(await conn.closed).toBe(1001);
    expect(ponged).toBe(true);
  });

  it('reports 1006 when the connection ends without a close frame', async () => {
    const port = await wsServer((ws) => setTimeout(() => ws.terminate(), 50));
    const conn = await connectWebSocket({ host: '127.0.0.1', port, path: '/live' }, 5000);
    expect(await conn.closed).toBe(1006);
  });

  it('a path that does not upgrade is an error naming the status', async () => {
    const port = await wsServer(() => {});
    await expect(connectWebSocket({ host: '127.0.0.1', port, path: '/other' }, 5000)).rejects.toThrow(
      /\/other answered 400|\/other answered 200/,
    );
  });
});
