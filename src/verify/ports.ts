/** The real ports: processes through spawn.ts, the monotonic clock, free ports from the kernel. */
import net from 'node:net';
import { spawnApp } from './spawn.js';
import type { Ports, ProgressEvent } from './types.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function realPorts(progress: (e: ProgressEvent) => void, abort: AbortSignal): Ports {
  return {
    spawn: spawnApp,
    clock: {
      now: () => performance.now(),
      sleep: (ms, cancel) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          cancel?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        }),
    },
    progress,
    freePort,
    abort,
  };
}
