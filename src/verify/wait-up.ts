/** Waiting until the app answers on its port: any HTTP status counts as up. */
import http from 'node:http';
import { UserError } from '../core/errors.js';
import type { Clock, RunningApp } from './types.js';

const HOSTS = ['127.0.0.1', '::1'];

/** Resolves with the host that answered. */
export async function waitUntilUp(
  app: RunningApp,
  port: number,
  path: string,
  timeoutMs: number,
  clock: Clock,
  lastLine: () => string,
): Promise<string> {
  let gone: { code: number | null; signal: string | null } | null = null;
  void app.exited.then(
    (e) => (gone = e),
    () => (gone = { code: null, signal: null }),
  );
  const until = clock.now() + timeoutMs;
  let tries = 0;
  let lastError = '';
  for (;;) {
    for (const host of HOSTS) {
      tries++;
      const r = await probe(host, port, path);
      if (r === true) return host;
      if (host === HOSTS[0]) lastError = r;
    }
    if (gone !== null) {
      const g = gone as { code: number | null; signal: string | null };
      const how = g.signal ? `by ${g.signal}` : `with code ${g.code}`;
      const line = lastLine();
      throw new UserError(
        `the app exited ${how} before answering on port ${port}${line ? `; its last line: ${line}` : ''}; check that it starts (or pass --command)`,
      );
    }
    if (clock.now() >= until) {
      throw new UserError(
        `no answer on http://127.0.0.1:${port}${path} (or [::1]) after ${Math.round(timeoutMs / 1000)} s (${tries} tries, last: ${lastError}); does the app listen on $PORT=${port}? pass --port <n> when it uses another port or variable, --path for another route, --startup-timeout <s> when it starts slowly`,
      );
    }
    await clock.sleep(100);
  }
}

function probe(host: string, port: number, path: string): Promise<true | string> {
  return new Promise((resolve) => {
    const req = http.request({ host, port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
      res.on('error', () => resolve(true));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}
