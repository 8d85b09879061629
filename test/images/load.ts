/**
 * The load a stop must survive: idle keep-alive sockets (a load balancer's pool) and requests in
 * flight when the stop signal arrives. Every in-flight request must get its 200.
 */
import http from 'node:http';

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
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Open `count` keep-alive sockets that each answered one request and now sit idle. */
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

/** Start `count` requests that the app answers after its slow route's delay; each result is a status or an error code. */
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
