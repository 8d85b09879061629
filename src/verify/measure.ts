/**
 * One measurement: start the app as its container would, wait until it answers, hold the load,
 * send the stop signal, keep the load running, kill at the stop grace (as `docker stop` does),
 * and say what happened. Every process started is ended before this returns or throws.
 */
import { constants } from 'node:os';
import { Load } from './load.js';
import { connectWebSocket, type WsConnection } from './ws-client.js';
import { waitUntilUp } from './wait-up.js';
import { Interrupted, unlessAborted } from './interrupted.js';
import { within, type ExitStatus, type LaunchPlan, type Ports, type RunReport, type VerifyOptions } from './types.js';

/** After the app is gone, how long requests in flight may take to report their end. */
const SETTLE_MS = 1000;

export async function measure(plan: LaunchPlan, options: VerifyOptions, ports: Ports, label: string): Promise<RunReport> {
  const { clock, progress, abort } = ports;
  progress({ phase: 'start', message: `${label}: starting ${plan.argv.join(' ')} (${plan.source}) with PORT=${plan.port}` });
  const app = await unlessAborted(abort, ports.spawn({ argv: plan.argv, cwd: plan.cwd, env: plan.env, pid1: !options.noPid1 }));
  const onAbort = (): void => app.kill();
  abort.addEventListener('abort', onAbort, { once: true });
  const sockets: WsConnection[] = [];
  let load: Load | null = null;
  try {
    if (app.pid1Note) progress({ phase: 'start', message: `${label}: ${app.pid1Note}` });
    progress({ phase: 'wait', message: `${label}: waiting for an answer on :${plan.port}${options.path}` });
    const host = await unlessAborted(
      abort,
      waitUntilUp(app, plan.port, options.path, options.startupTimeoutMs, clock, () => lastLines(app.output(), 1)[0] ?? ''),
    );
    progress({
      phase: 'up',
      message: `${label}: up; holding ${options.connections} idle keep-alive connections, ${options.concurrency} clients${options.ws.length ? `, ${options.ws.length * options.wsClients} WebSocket clients` : ''}`,
    });

    for (const path of options.ws) {
      for (let i = 0; i < options.wsClients; i++)
        sockets.push(await unlessAborted(abort, connectWebSocket({ host, port: plan.port, path }, 5000)));
    }
    load = new Load({ host, port: plan.port, path: options.path }, clock);
    await unlessAborted(abort, load.start(options.connections, options.concurrency));
    await unlessAborted(abort, clock.sleep(options.warmupMs));

    progress({
      phase: 'signal',
      message: `${label}: ${plan.stopSignal} to ${app.pid1 ? 'PID 1' : 'the app'}; load continues; kill at ${plan.graceMs / 1000} s`,
    });
    const signalAt = clock.now();
    load.markSignal(signalAt);
    try {
      process.kill(app.pid, plan.stopSignal);
    } catch {
      // exited just now: the exit below says how
    }
    const exit = await unlessAborted(abort, within(clock, plan.graceMs, app.exited));
    let final: ExitStatus;
    const killed = exit === null;
    if (exit === null) {
      progress({ phase: 'kill', message: `${label}: still running at ${plan.graceMs / 1000} s: SIGKILL` });
      load.markKilled();
      app.kill();
      final = await app.exited;
    } else final = exit;
    load.markAppGone();
    progress({ phase: 'exit', message: `${label}: exited after ${Math.round(final.at - signalAt)} ms` });
    const requests = await load.stop(SETTLE_MS);
    const codes = await Promise.all(sockets.map(async (s) => (await within(clock, SETTLE_MS, s.closed)) ?? 1006));
    const report: RunReport = {
      label,
      command: plan.argv,
      commandSource: plan.source,
      pid1: app.pid1,
      pid1Note: app.pid1Note,
      port: plan.port,
      stopSignal: plan.stopSignal,
      stopSignalSource: plan.stopSignalSource,
      graceMs: plan.graceMs,
      graceSource: plan.graceSource,
      expectedExit: plan.expectedExit,
      expectedExitSource: plan.expectedExitSource,
      adjustments: plan.adjustments,
      exitMs: Math.max(0, Math.round(final.at - signalAt)),
      exitCode: final.code,
      signal: final.signal,
      killed,
      requests,
      refusedAfterClose: load.refusedAfterClose,
      wsCloseCodes: codes,
      logTail: lastLines(app.output(), options.logLines),
      passed: false,
      failures: [],
    };
    report.failures = failuresOf(report);
    report.passed = report.failures.length === 0;
    return report;
  } finally {
    abort.removeEventListener('abort', onAbort);
    for (const s of sockets) s.destroy();
    app.kill();
    if (load) await load.stop(0).catch(() => undefined);
    await within(
      clock,
      2000,
      app.exited.catch(() => undefined),
    );
  }
}

/** Why a run does not pass: something lost, killed, or another exit than the one configured. */
export function failuresOf(r: RunReport): string[] {
  const out: string[] = [];
  if (r.requests.lost > 0) out.push(`${r.requests.lost} request${r.requests.lost === 1 ? '' : 's'} lost`);
  if (r.killed) out.push(`killed at the ${r.graceMs / 1000} s stop grace`);
  else if (!exitedAsExpected(r))
    out.push(`exited ${r.signal ? `by ${r.signal}` : `with code ${r.exitCode}`}, not ${r.expectedExit} (${r.expectedExitSource})`);
  return out;
}

function exitedAsExpected(r: RunReport): boolean {
  if (r.exitCode !== null) return r.exitCode === r.expectedExit;
  // Re-raising the signal (exit mode "signal") ends the process by that signal: status 128+n.
  return r.signal !== null && 128 + (constants.signals[r.signal] ?? 0) === r.expectedExit;
}

export function lastLines(output: string, n: number): string[] {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''))
    // unshare's own complaint when its child is SIGKILLed is about the harness, not the app.
    .filter((l) => l.trim() !== '' && !l.startsWith('unshare: sigprocmask'));
  return n <= 0 ? [] : lines.slice(-n);
}

export { Interrupted };
