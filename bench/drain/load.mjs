// The clients of the drain benchmark, in a process of their own so that the runner, which times the server's
// exit, is not busy with 10,000 sockets. Driven over IPC by run.mjs:
//   {type:'idle', port, n}          open n keep-alive connections, one GET /fast each, then leave them idle
//   {type:'inflight', count, end}   send `count` GET /slow?end=<end>, each on a fresh connection, which stays
//                                   open after the response, as a keep-alive client (agent, proxy) keeps it
//   {type:'preconnect', port, n}    open n connections that never send a request (a client that connected and
//                                   then waits, a preconnecting proxy or browser)
//   {type:'sio', port, n}           connect n socket.io clients (websocket transport) and leave them connected
//   {type:'report', aliveUntil}     once every in-flight request has settled: how many got 200 'done', and
//                                   how many connections (idle ones, and in-flight ones after their response)
//                                   were still open at `aliveUntil` (the last moment the server was seen alive)
import { connect } from 'node:net';
import { io as sioClient } from 'socket.io-client';

const BATCH = 500;
let idleClosedAt = new Float64Array(0); // 0 while open
const inflight = [];
const inflightClosedAt = [];
const preClosedAt = [];
const sioClients = [];

/** Resolves with the first HTTP/1.1 response on the socket: status 0 if it closed first. */
function readResponse(socket) {
  return new Promise((resolve) => {
    let data = '';
    const done = (status, body) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ status, body });
    };
    const onClose = () => done(0, '');
    const onData = (chunk) => {
      data += chunk;
      const head = data.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data.slice(0, head))?.[1] ?? NaN);
      if (data.length - head - 4 >= length) done(Number(data.slice(9, 12)), data.slice(head + 4, head + 4 + length));
    };
    socket.setEncoding('utf8');
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

function openSocket(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // resets at the server's exit are expected
      resolve(socket);
    });
  });
}

async function openIdle(port, n) {
  idleClosedAt = new Float64Array(n);
  for (let i = 0; i < n; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, n - i) }, async (_, j) => {
        const socket = await openSocket(port);
        const response = readResponse(socket);
        socket.write('GET /fast HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
        const { status } = await response;
        if (status !== 200) throw new Error(`idle connection setup got status ${status}`);
        socket.once('close', () => (idleClosedAt[i + j] = Date.now()));
      }),
    );
  }
}

function sendInflight(port, count, end) {
  for (let i = 0; i < count; i++) {
    inflightClosedAt.push(0);
    inflight.push(
      openSocket(port).then(
        (socket) => {
          socket.once('close', () => (inflightClosedAt[i] = Date.now()));
          const response = readResponse(socket);
          socket.write(`GET /slow?end=${end} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
          return response;
        },
        () => ({ status: 0, body: '' }),
      ),
    );
  }
}

async function openPreconnected(port, n) {
  for (let i = 0; i < n; i++) {
    const socket = await openSocket(port);
    preClosedAt.push(0);
    socket.once('close', () => (preClosedAt[i] = Date.now()));
  }
}

async function connectSio(port, n) {
  await Promise.all(
    Array.from({ length: n }, () => {
      const client = sioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
      sioClients.push(client);
      return new Promise((resolve, reject) => {
        client.once('connect', resolve);
        client.once('connect_error', reject);
      });
    }),
  );
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'idle') {
      const t0 = Date.now();
      await openIdle(msg.port, msg.n);
      process.send({ type: 'idle-ready', ms: Date.now() - t0 });
    } else if (msg.type === 'preconnect') {
      await openPreconnected(msg.port, msg.n);
      process.send({ type: 'preconnected' });
    } else if (msg.type === 'sio') {
      await connectSio(msg.port, msg.n);
      process.send({ type: 'sio-ready' });
    } else if (msg.type === 'inflight') {
      sendInflight(msg.port, msg.count, msg.end);
      process.send({ type: 'sent' });
    } else if (msg.type === 'report') {
      const responses = await Promise.all(inflight);
      const served = responses.filter((r) => r.status === 200 && r.body === 'done').length;
      let idleOpen = 0;
      for (const at of idleClosedAt) if (at === 0 || at > msg.aliveUntil) idleOpen++;
      let inflightOpen = 0;
      for (const at of inflightClosedAt) if (at === 0 || at > msg.aliveUntil) inflightOpen++;
      let preOpen = 0;
      for (const at of preClosedAt) if (at === 0 || at > msg.aliveUntil) preOpen++;
      process.send({ type: 'report', served, lost: responses.length - served, idleOpen, inflightOpen, preOpen });
    }
  } catch (error) {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
  }
});
