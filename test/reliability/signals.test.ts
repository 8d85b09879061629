/**
 * Writes survive signals. The built CLI applies a 6-file change (module, entrypoint, Dockerfile,
 * compose, a Kubernetes manifest, the manifest); a test seam (CGS_TEST_PAUSE_AT_RENAME, read in the
 * command layer only) holds the real process just before its n-th rename, and the test sends it a
 * real SIGINT, SIGTERM, SIGHUP or SIGKILL there, for every n. Then the tool is run again. After
 * each, the tree is the old one or the new one byte for byte (the fingerprint sees every file,
 * mode and directory), and no temp file or journal is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, changedPaths, cleanupTemps, fingerprint, ROOT, runCli, tempDir } from './harness.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'repos', 'container-node-stack');
const RENAMES = 6;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'];

afterAll(cleanupTemps);

function copy(label: string): string {
  const dir = tempDir(label);
  cpSync(FIXTURE, dir, { recursive: true });
  // A stop grace below the app's budget, so compose is one of the files the apply changes (the tool never
  // touches a grace that is already long enough).
  const compose = join(dir, 'docker-compose.yml');
  writeFileSync(compose, readFileSync(compose, 'utf8').replace('    build: .\n', '    build: .\n    stop_grace_period: 5s\n'));
  return dir;
}

let oldTree: Record<string, string>;
let newTree: Record<string, string>;

beforeAll(() => {
  oldTree = fingerprint(copy('sig-old'));
  const dir = copy('sig-new');
  const r = runCli([dir, '--yes']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain(`Done: ${RENAMES} files written.`);
  newTree = fingerprint(dir);
  expect(changedPaths(oldTree, newTree).length).toBe(RENAMES);
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  paused: boolean;
}

/** The CLI paused before rename `at`, sent `sig` there, then let go; resolves when it has ended. */
async function interruptAt(dir: string, at: number, sig: NodeJS.Signals): Promise<Interrupted> {
  const gate = tempDir(`gate-${at}`);
  const env: NodeJS.ProcessEnv = { ...process.env, CGS_TEST_PAUSE_AT_RENAME: String(at), CGS_TEST_GATE: gate };
  delete env['CI'];
  const child = spawn(process.execPath, [BIN, dir, '--yes'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.resume();
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => r({ code, signal })),
  );
  let done = false;
  void ended.then(() => (done = true));
  // Polled until the process reports it is at the rename (or ends without getting there).
  while (!done && !existsSync(join(gate, 'paused'))) await sleep(10);
  const paused = existsSync(join(gate, 'paused'));
  if (paused) {
    child.kill(sig);
    // Let the process take the signal while still held at the rename, then release it.
    if (sig !== 'SIGKILL') {
      await sleep(50);
      writeFileSync(join(gate, 'go'), '');
    }
  }
  const { code, signal } = await ended;
  return { code, signal, stderr, paused };
}

function leftovers(tree: Record<string, string>): string[] {
  return Object.keys(tree).filter((p) => p.includes('.cgs-') || p.includes('.graceful-shutdown.journal'));
}

describe('a signal at each rename of a 6-file apply', () => {
  const cases = SIGNALS.flatMap((sig) => Array.from({ length: RENAMES }, (_, i) => ({ sig, at: i + 1 })));
  it.each(cases)('$sig before rename $at: old or new tree, byte for byte, no temp file', async ({ sig, at }) => {
    const dir = copy(`sig-${sig}-${at}`);
    const r = await interruptAt(dir, at, sig);
    expect(r.paused, `the CLI reached rename ${at}`).toBe(true);
    const afterSignal = fingerprint(dir);
    if (sig === 'SIGKILL') {
      expect(r.signal).toBe('SIGKILL');
    } else {
      // Held until the write completed, then acted on: the process ends with that signal.
      expect(r.signal).toBe(sig);
      expect(r.stderr).toContain(`${sig} received while writing; the write completed first`);
      expect(afterSignal).toEqual(newTree);
    }
    const again = runCli([dir, '--yes']);
    expect(again.code, again.stderr).toBe(0);
    const final = fingerprint(dir);
    expect(leftovers(final)).toEqual([]);
    const isOld = changedPaths(final, oldTree).length === 0;
    const isNew = changedPaths(final, newTree).length === 0;
    expect(
      isOld || isNew,
      `differs from the old tree in ${changedPaths(final, oldTree).join(', ')} and from the new one in ${changedPaths(final, newTree).join(', ')}`,
    ).toBe(true);
    // Killed in the middle of the renames, the next run finishes the change it finds in the journal.
    if (sig === 'SIGKILL') {
      expect(again.stdout).toContain('An earlier run was interrupted while writing: finished it');
      expect(final).toEqual(newTree);
    }
  });
});
