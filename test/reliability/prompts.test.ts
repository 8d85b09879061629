/**
 * #15 item 10: the questions honour NO_COLOR and TERM=dumb. The CLI runs on a real pseudo-terminal
 * (util-linux `script`), so questions are asked; Enter is pressed until it ends. NO_COLOR: no
 * colour sequences (SGR). TERM=dumb: no escape sequence at all (no colour, no cursor movement),
 * plain numbered questions answered with Enter.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cleanupTemps, fixtureCopy } from './harness.js';

afterAll(cleanupTemps);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The CLI on a pty with `env`; Enter pressed every 200 ms until it exits. */
async function onTerminal(dir: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e['CI'];
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${JSON.stringify(dir)}`;
  const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { env: e, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  let code: number | null | undefined;
  child.on('close', (c) => (code = c));
  while (code === undefined) {
    if (child.stdin.writable) child.stdin.write('\r');
    await sleep(200);
  }
  return { code, out };
}

const SGR = /\u001b\[[0-9;]*m/;

describe('prompts on a terminal', () => {
  it('NO_COLOR=1: questions asked, no colour sequence', async () => {
    const dir = fixtureCopy('base-node-app', 'no-color');
    const r = await onTerminal(dir, { NO_COLOR: '1', TERM: 'xterm-256color' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Shutdown budget in milliseconds');
    expect(r.out).not.toMatch(SGR);
    expect(readFileSync(join(dir, 'server.js'), 'utf8')).toMatch(/require\(["']\.\/shutdown/);
  }, 120_000);

  it('TERM=dumb: plain numbered questions, no escape sequence at all', async () => {
    const dir = fixtureCopy('base-node-app', 'dumb');
    const r = await onTerminal(dir, { TERM: 'dumb' });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Shutdown budget in milliseconds (in-flight requests and cleanup must finish within it) [8000]: ');
    expect(r.out).toMatch(/1\) 0 \(clean exit\) \*/);
    expect(r.out).not.toContain('\u001b');
    expect(readFileSync(join(dir, 'server.js'), 'utf8')).toMatch(/require\(["']\.\/shutdown/);
  }, 120_000);
});
