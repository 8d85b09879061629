/**
 * One end-to-end case, the same for every fixture repo: `verify` on the unmodified repo must report
 * the loss this test's own client also sees, and exit 1; after the CLI's `--yes` both see nothing
 * lost and verify exits 0. Every run also checks that the repository is unchanged and that no
 * process verify started is left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hashTree } from '../helpers/tree.js';
import {
  applyYes,
  cleanupRepos,
  freePort,
  listening,
  ownLoad,
  prepareRepo,
  startVerify,
  survivors,
  type OwnCounts,
  type VerifyJson,
} from './helpers.js';

export interface Case {
  repo: string;
  /** Build step a CI job runs before verify (the NestJS repo compiles TypeScript). */
  build?: (dir: string) => void;
  /** A WebSocket path the app serves (also opened by this test's own client). */
  ws?: string;
  /** Stop grace the unmodified repo's container gives (compose may shorten it), in ms. */
  graceMs: number;
  /**
   * Requests verify must see answered after the signal in the after-run: more than the app held in
   * hand at the signal, so what was queued was answered too (gunicorn sync workers: 2 in hand).
   */
  answeredAfterSignal?: number;
}

interface Measured {
  json: VerifyJson;
  code: number | null;
  own: OwnCounts;
  ownWs: number[];
  stderr: string;
}

/** verify --json on the repo, with this test's own load and WebSocket clients on the same app. */
export async function measureBoth(dir: string, c: Case): Promise<Measured> {
  const port = await freePort();
  const before = hashTree(dir);
  const args = [dir, '--json', '--port', String(port)];
  if (c.ws) args.push('--ws', c.ws);
  const run = startVerify(args);
  const ownWs: Promise<number>[] = [];
  if (c.ws) {
    await run.waitFor(/up; holding/);
    const sock = new WebSocket(`ws://127.0.0.1:${port}${c.ws}`);
    ownWs.push(new Promise((resolve) => sock.on('close', (code) => resolve(code))));
    sock.on('error', () => {});
  }
  const own = ownLoad(port, '/', 4, run.done);
  const r = await run.done;
  const json = JSON.parse(r.stdout) as VerifyJson;
  for (const key of ['exit_ms', 'exit_code', 'signal', 'killed', 'answered', 'lost', 'refused_after_close', 'ws_close_codes'])
    expect(json).toHaveProperty(key);
  // Nothing verify started is left, and nothing in the repository changed.
  expect(survivors(dir)).toEqual([]);
  expect(await listening(port)).toBe(false);
  expect(hashTree(dir)).toEqual(before);
  return { json, code: r.code, own: await own, ownWs: await Promise.all(ownWs), stderr: r.stderr };
}

export function defineCase(c: Case, expectFixed: { note?: string } = {}): void {
  describe(`verify on ${c.repo}`, () => {
    afterAll(cleanupRepos);

    it(
      'unmodified: reports the loss it really has (this test sees it too) and exits 1',
      async () => {
        const dir = prepareRepo(c.repo);
        c.build?.(dir);
        const m = await measureBoth(dir, c);
        expect(m.code, m.stderr).toBe(1);
        expect(m.json.passed).toBe(false);
        expect(m.json.lost).toBeGreaterThan(0);
        expect(m.own.lost, JSON.stringify(m.own)).toBeGreaterThan(0);
        expect(m.json.pid1).toBe(true);
        // As PID 1 without an init, the app ignores SIGTERM: docker stop's SIGKILL at the grace.
        expect(m.json.killed).toBe(true);
        expect(m.json.exit_ms).toBeGreaterThanOrEqual(c.graceMs);
        expect(m.json.signal).toBe('SIGKILL');
        if (c.ws) {
          expect(m.json.ws_close_codes.every((code) => code === 1006)).toBe(true);
          expect(m.ownWs).toEqual([1006]);
        }
      },
      90_000 + c.graceMs,
    );

    it(
      `after --yes: 0 lost (this test sees none either) and exits 0${expectFixed.note ? ` (${expectFixed.note})` : ''}`,
      async () => {
        const dir = prepareRepo(c.repo);
        applyYes(dir);
        c.build?.(dir);
        const m = await measureBoth(dir, c);
        const detail = JSON.stringify({ ...m.json, log_tail: undefined, command: undefined, baseline: undefined });
        expect(m.json.lost, `${m.json.failures.join('; ')}\n${detail}\n${m.json.log_tail.join('\n')}`).toBe(0);
        expect(m.own.lost, JSON.stringify(m.own)).toBe(0);
        expect(m.json.killed).toBe(false);
        expect(m.json.exit_code).toBe(0);
        expect(m.json.answered).toBeGreaterThanOrEqual(c.answeredAfterSignal ?? 1);
        expect(m.code, m.stderr).toBe(0);
        if (c.ws) {
          // A close frame (1000/1001/1005: not an abrupt 1006), seen by verify and by this test's own client.
          expect(m.json.ws_close_codes.length).toBeGreaterThan(0);
          expect(m.json.ws_close_codes.some((code) => code === 1006)).toBe(false);
          expect(m.ownWs.some((code) => code === 1006)).toBe(false);
        }
      },
      90_000 + c.graceMs,
    );
  });
}
