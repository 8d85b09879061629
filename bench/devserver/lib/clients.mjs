// The clients a browser tab keeps open against a dev server: the HMR WebSocket and an idle keep-alive
// HTTP connection. Each records how and when it was ended, relative to the SIGTERM.
import net from 'node:net';
import WebSocket from '../../../node_modules/ws/index.js';

/**
 * Open a WebSocket as a page served from `origin` would (browsers always send Origin; webpack-dev-server
 * closes sockets without one) and resolve once it is open; `closed` resolves with { code, at }.
 */
export function connectWebSocket(url, protocol, origin) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol ? [protocol] : [], { origin });
    const record = { code: null, at: null };
    const closed = new Promise((done) => {
      ws.on('close', (code) => {
        record.code = code;
        record.at = performance.now();
        done(record);
      });
    });
    ws.on('error', (err) => {
      if (ws.readyState === WebSocket.CONNECTING) reject(err);
    });
    ws.on('open', () => resolve({ ws, record, closed }));
  });
}

/**
 * A browser-like keep-alive connection: one GET answered, the socket left open and idle.
 * `ended` resolves with how the server ended it: 'FIN' (orderly), 'RST' (reset) or 'open'.
 */
export function connectKeepAlive(port, path = '/') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const record = { how: 'open', at: null };
    let buffered = '';
    let answered = false;
    const ended = new Promise((done) => {
      socket.on('end', () => {
        record.how = 'FIN';
        record.at ??= performance.now();
        socket.end();
      });
      socket.on('error', (err) => {
        if (!answered) reject(err);
        if (record.how === 'open') record.how = err.code === 'ECONNRESET' ? 'RST' : err.code;
        record.at ??= performance.now();
      });
      socket.on('close', () => done(record));
    });
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\nAccept: text/html\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      if (answered) return;
      buffered += chunk.toString('latin1');
      // Enough to know the response arrived; the body is not needed.
      if (buffered.includes('\r\n\r\n')) {
        answered = true;
        resolve({ socket, record, ended, status: Number(buffered.slice(9, 12)) });
      }
    });
  });
}

/** The token Vite's client puts in its HMR URL (`?token=`), required when an Origin header is sent. */
export async function viteHmrToken(baseUrl) {
  const res = await fetch(`${baseUrl}/@vite/client`);
  const text = await res.text();
  const token = /const wsToken = "([^"]+)"/.exec(text)?.[1];
  if (!token) throw new Error('no wsToken in /@vite/client');
  return token;
}
