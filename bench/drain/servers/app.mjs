// The one app every row of the drain benchmark runs, so that the rows differ only in the shutdown tool.
// DRAIN_APP picks the framework around the same routes: 'http' (plain node:http, the default), 'fastify',
// 'nest' (NestJS on Express) or 'socketio' (node:http with a socket.io server attached). Routes: /fast answers
// at once (used to leave keep-alive connections idle); /slow?end=<epoch ms> answers 200 'done' at that moment
// (the in-flight work) and prints `recv` when it arrives, so the runner knows when the server holds every
// in-flight request.
import { createServer } from 'node:http';

/** The shutdown deadline every tool is given, through its own option (set by run.mjs). */
export const deadlineMs = Number(process.env.DRAIN_DEADLINE_MS ?? 8000);
export const appKind = process.env.DRAIN_APP ?? 'http';

/** Common behind load balancers (longer than their idle timeout): idle sockets outlive any drain. */
const KEEP_ALIVE_MS = 65_000;

/** Milliseconds until the `end` query parameter of a /slow URL. */
function slowDelay(url) {
  process.stdout.write('recv\n');
  return Math.max(0, Number(new URL(url, 'http://localhost').searchParams.get('end')) - Date.now());
}

function plainServer() {
  return createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    if (req.url?.startsWith('/slow')) setTimeout(() => res.end('done'), slowDelay(req.url));
    else res.end('ok');
  });
}

/**
 * The app of DRAIN_APP. `server` is its node:http server; `close` is the framework's own close (what a
 * shutdown handler calls); `listen()` starts it on a free loopback port and prints `listening <port>`.
 * @returns {Promise<{ server: import('node:http').Server, close: () => Promise<unknown>, listen: () => Promise<void>, io?: any }>}
 */
export async function createApp() {
  if (appKind === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const fastify = Fastify({ keepAliveTimeout: KEEP_ALIVE_MS });
    fastify.get('/fast', async (_req, reply) => reply.type('text/plain').send('ok'));
    fastify.get('/slow', (req, reply) => {
      setTimeout(() => reply.type('text/plain').send('done'), slowDelay(req.url));
    });
    instrument(fastify.server);
    return {
      server: fastify.server,
      close: () => fastify.close(),
      listen: async () => announce((await fastify.listen({ port: 0, host: '127.0.0.1' })) && fastify.server),
    };
  }
  if (appKind === 'nest') {
    await import('reflect-metadata');
    const { Controller, Get, Module, Req } = await import('@nestjs/common');
    const { NestFactory } = await import('@nestjs/core');
    // Decorators applied by hand: this file is plain JavaScript.
    class AppController {
      fast() {
        return 'ok';
      }
      slow(req) {
        return new Promise((resolve) => setTimeout(() => resolve('done'), slowDelay(req.url)));
      }
    }
    for (const [method, path] of [
      ['fast', 'fast'],
      ['slow', 'slow'],
    ]) {
      const descriptor = Object.getOwnPropertyDescriptor(AppController.prototype, method);
      Get(path)(AppController.prototype, method, descriptor);
    }
    Req()(AppController.prototype, 'slow', 0);
    Controller()(AppController);
    class AppModule {}
    Module({ controllers: [AppController] })(AppModule);
    const app = await NestFactory.create(AppModule, { logger: false });
    const server = app.getHttpServer();
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    instrument(server);
    return { server, close: () => app.close(), listen: async () => announce((await app.listen(0, '127.0.0.1')) && server) };
  }
  const server = plainServer();
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  instrument(server);
  let io;
  if (appKind === 'socketio') {
    const { Server } = await import('socket.io');
    io = new Server(server);
  } else if (appKind !== 'http') throw new Error(`DRAIN_APP=${appKind}: expected http, fastify, nest or socketio`);
  const close = io
    ? () => new Promise((resolve) => io.close(() => resolve()))
    : () => new Promise((resolve) => server.close(() => resolve()));
  return {
    server,
    io,
    close,
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(announce(server)))),
  };
}

function announce(server) {
  process.stdout.write(`listening ${server.address().port}\n`);
}

/**
 * Connections still open when the process exits, for run.mjs: printed on 'exit', and before a tool re-raises
 * the signal at itself (terminus), which ends the process without an 'exit' event. A destroyed socket's fd is
 * closed at once but its 'close' event comes a tick later, after a quick exit: `destroyed` is what counts.
 */
function instrument(server) {
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const report = () => {
    let open = 0;
    for (const socket of sockets) if (!socket.destroyed) open++;
    process.stdout.write(`open-at-exit ${open}\n`);
  };
  process.once('exit', report);
  const kill = process.kill;
  process.kill = (pid, signal) => {
    if (pid === process.pid) report();
    return kill.call(process, pid, signal);
  };
}
