/**
 * A minimal WebSocket client (RFC 6455) over node:http's upgrade: enough to hold a connection open
 * through a shutdown and read the close code the server sends. The CLI keeps no heavy runtime
 * dependency for this; `ws` is only a devDependency of this project.
 * It answers pings and close frames, ignores data, and reports 1006 when the connection ends
 * without a close frame (as browsers do).
 */
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';

export interface WsTarget {
  host: string;
  port: number;
  path: string;
}

export interface WsConnection {
  /** Resolves with the close code when the connection ends (1005: close frame without a code, 1006: no close frame). */
  closed: Promise<number>;
  destroy(): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function connectWebSocket(target: WsTarget, timeoutMs: number): Promise<WsConnection> {
  return new Promise((resolveConn, reject) => {
    const key = randomBytes(16).toString('base64');
    const req = http.request({
      host: target.host,
      port: target.port,
      path: target.path,
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no WebSocket handshake on ${target.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      reject(new Error(`${target.path} answered ${res.statusCode} instead of upgrading to a WebSocket`));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      if (res.headers['sec-websocket-accept'] !== accept) {
        socket.destroy();
        reject(new Error(`${target.path}: the server's WebSocket handshake is invalid (Sec-WebSocket-Accept)`));
        return;
      }
      resolveConn(hold(socket, head));
    });
    req.end();
  });
}

function hold(socket: Socket, head: Buffer): WsConnection {
  let code = 1006;
  let buffer = head;
  let sentClose = false;
  const closed = new Promise<number>((resolveCode) => {
    socket.on('close', () => resolveCode(code));
  });
  socket.on('error', () => {});
  const send = (opcode: number, payload: Buffer): void => {
    if (socket.destroyed || !socket.writable) return;
    socket.write(frame(opcode, payload));
  };
  const parse = (): void => {
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskAt = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      let payload = buffer.subarray(offset, offset + length);
      if (masked) {
        const mask = buffer.subarray(maskAt, maskAt + 4);
        payload = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
      }
      buffer = buffer.subarray(offset + length);
      if (opcode === 0x8) {
        code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        // Echo the close, as the protocol asks; the server then ends the TCP connection.
        if (!sentClose) {
          sentClose = true;
          send(0x8, payload.subarray(0, 2));
        }
      } else if (opcode === 0x9) {
        send(0xa, Buffer.from(payload));
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    parse();
  });
  parse();
  return { closed, destroy: () => socket.destroy() };
}

/** A final, masked client frame (clients must mask, RFC 6455 §5.3). */
function frame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, body]);
}
