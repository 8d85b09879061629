/**
 * The verify core in-process, through its ports: a recording spawn (around the real one), the real
 * clock, a recording progress. A plain child (--no-pid1) is said to be one; the unmodified express
 * app dies on SIGTERM's default action with its in-flight requests (lost), by signal, not killed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/verify/index.js';
import { realPorts } from '../../src/verify/ports.js';
import { spawnApp } from '../../src/verify/spawn.js';
import { DEFAULTS, type ProgressEvent, type SpawnRequest, type VerifyOptions } from '../../src/verify/types.js';
import { cleanupRepos, prepareRepo, survivors } from './helpers.js';

afterAll(cleanupRepos);

describe('verify core', () => {
  it('a plain child: said so; SIGTERM ends it at once and its in-flight requests are lost', async () => {
    const dir = prepareRepo('express-api');
    const events: ProgressEvent[] = [];
    const spawned: SpawnRequest[] = [];
    const ports = realPorts((e) => events.push(e), new AbortController().signal);
    ports.spawn = (request) => {
      spawned.push(request);
      return spawnApp(request);
    };
    const options: VerifyOptions = {
      dir,
      command: null,
      port: null,
      path: '/',
      connections: 5,
      concurrency: 4,
      ws: [],
      wsClients: 1,
      graceMs: null,
      stopSignal: null,
      expectExit: null,
      warmupMs: 500,
      startupTimeoutMs: DEFAULTS.startupTimeoutMs,
      noPid1: true,
      baseline: null,
      build: false,
      logLines: 3,
    };
    const outcome = await verify(options, ports);
    const r = outcome.current;
    expect(outcome.baseline).toBeNull();
    expect(spawned).toHaveLength(1);
    expect(spawned[0]!.argv).toEqual(['node', 'server.js']);
    expect(spawned[0]!.pid1).toBe(false);
    expect(r.pid1).toBe(false);
    expect(r.pid1Note).toBe('not PID 1: asked for a plain child (--no-pid1); ran as a plain child');
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(['plan', 'start', 'wait', 'up', 'signal', 'exit']));
    expect(events.some((e) => e.message.includes('not PID 1'))).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(r.killed).toBe(false);
    // Each of the 4 clients had a 200 ms request in flight when the process died.
    expect(r.requests.lost).toBeGreaterThan(0);
    expect(r.passed).toBe(false);
    expect(r.failures[0]).toMatch(/requests? lost/);
    expect(r.logTail).toEqual([expect.stringMatching(/^orders-api listening on port \d+$/)]);
    expect(survivors(dir)).toEqual([]);
  }, 60_000);
});
