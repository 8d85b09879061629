/**
 * Issue 13, wrong advice and stale warnings, through the built CLI (`--yes`, run twice):
 * - `fastapi run` (fastapi-cli) has no --timeout-graceful-shutdown: the tool must not tell the user
 *   to add it there (it names the uvicorn command that has it);
 * - uvicorn has the option from 0.18 (Debian's 0.17.6 rejects it, checked below on the real CLI): a
 *   project pinning an older uvicorn is told to upgrade, not to add a flag that fails at start;
 * - the timeout chain is read from the planned files: after the tool writes `graceful_timeout = 8`
 *   to gunicorn.conf.py, neither that run nor a later one reports gunicorn's 30 s default or a
 *   contradiction about it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, PYTHON } from '../python-module/helpers.js';
import { copyRepo, requireBuild, rerun, runCli } from './helpers.js';

afterAll(cleanUp);

const DRAIN_FLAG_ADVICE = /add --timeout-graceful-shutdown/;

describe.concurrent("advice checked against the servers' real CLIs", () => {
  it("Debian's uvicorn 0.17.6 has no --timeout-graceful-shutdown (why the advice depends on the version)", () => {
    expect(execFileSync(PYTHON, ['-m', 'uvicorn', '--version'], { encoding: 'utf8' })).toMatch(/^Running uvicorn 0\.17\./);
    const r = spawnSync(PYTHON, ['-m', 'uvicorn', 'main:app', '--timeout-graceful-shutdown', '8'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No such option: --timeout-graceful-shutdown/);
  });

  it('`fastapi run`: no advice to add --timeout-graceful-shutdown to it, on the first run or a re-run', async () => {
    requireBuild();
    const dir = copyRepo('python-e2e-fastapi-run');
    const first = await runCli(dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toMatch(DRAIN_FLAG_ADVICE);
    expect(first.stdout).toMatch(/`fastapi run` waits for open connections without limit and has no option to bound it/);
    const again = await rerun(dir);
    expect(again.stdout).not.toMatch(DRAIN_FLAG_ADVICE);
  });

  it('uvicorn pinned to 0.17.6: told to upgrade to 0.18+, not to add a flag that version rejects', async () => {
    requireBuild();
    const dir = copyRepo('python-e2e-uvicorn-old');
    const first = await runCli(dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/the pinned uvicorn \(==0\.17\.6\) has no --timeout-graceful-shutdown: upgrade to uvicorn 0\.18\+/);
    expect(first.stdout).not.toMatch(/; add --timeout-graceful-shutdown/);
  });

  it('gunicorn: after graceful_timeout = 8 is written, the chain says 8 s (gunicorn.conf.py), now and on a re-run', async () => {
    requireBuild();
    const dir = copyRepo('python-e2e-gunicorn-chain');
    const first = await runCli(dir);
    expect(first.code, first.stderr).toBe(0);
    const again = await rerun(dir);
    for (const run of [first, again]) {
      expect(run.stdout).toMatch(/^note: Timeout chain found: gunicorn graceful_timeout \(gunicorn\.conf\.py\) 8 s;/m);
      expect(run.stdout).not.toMatch(/graceful_timeout 30 s \(default\)/);
      expect(run.stdout).not.toMatch(/^warning: timeout chain:/m);
    }
    expect(again.stdout).toMatch(/^Nothing to do/m);
    expect(again.changed).toEqual([]);
  });
});
