/**
 * The verify command's contract: what it is asked to do, what it reports, and the ports through
 * which it touches the world (processes, time, progress), so the core can be driven and read
 * without printing or exiting.
 */

export interface VerifyOptions {
  /** The repository (or app) directory. */
  dir: string;
  /** Overrides the detected start command (a shell command line). */
  command: string | null;
  /** The port the app listens on; null: a free one, passed as PORT. */
  port: number | null;
  path: string;
  /** Idle keep-alive connections held open through the shutdown. */
  connections: number;
  /** Clients sending requests back to back. */
  concurrency: number;
  /** WebSocket paths to hold clients on. */
  ws: string[];
  wsClients: number;
  /** Overrides the stop grace read from the timeout chain, in ms. */
  graceMs: number | null;
  /** Overrides the stop signal read from the Dockerfile. */
  stopSignal: NodeJS.Signals | null;
  /** Overrides the exit code a clean shutdown must end with. */
  expectExit: number | null;
  /** Load before the signal, in ms. */
  warmupMs: number;
  /** How long to wait for the first answer, in ms. */
  startupTimeoutMs: number;
  /** Run as a plain child even where a PID namespace is possible. */
  noPid1: boolean;
  baseline: string | null;
  /** Build the baseline worktree before measuring it. */
  build: boolean;
  logLines: number;
}

export const DEFAULTS = {
  path: '/',
  connections: 50,
  concurrency: 8,
  wsClients: 3,
  warmupMs: 1000,
  startupTimeoutMs: 30_000,
  logLines: 10,
  /** `docker stop`'s default timeout. */
  graceMs: 10_000,
} as const;

/** How the app is started, and stopped, the way its container would. */
export interface LaunchPlan {
  /** argv as run (programs resolved for this machine). */
  argv: string[];
  /** Where the command came from, for people: `Dockerfile CMD`, `package.json "start"`, `--command`. */
  source: string;
  cwd: string;
  env: Record<string, string>;
  port: number;
  stopSignal: NodeJS.Signals;
  /** Where the stop signal came from. */
  stopSignalSource: string;
  graceMs: number;
  graceSource: string;
  expectedExit: number;
  expectedExitSource: string;
  /** Things changed from the production command to run it here (ports rewritten, launchers mapped). */
  adjustments: string[];
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Clock time of the exit. */
  at: number;
}

/** A started app. */
export interface RunningApp {
  /** The host pid that gets the stop signal: PID 1 of the namespace, or the plain child. */
  pid: number;
  pid1: boolean;
  /** Why it is not PID 1, when it is not. */
  pid1Note: string | null;
  exited: Promise<ExitStatus>;
  /** The app's output so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGKILL the app and everything it started (idempotent). */
  kill(): void;
}

export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Try a new PID namespace. */
  pid1: boolean;
}

export interface Clock {
  now(): number;
  /** Resolves after ms, or at once (without keeping the process alive) when `cancel` aborts. */
  sleep(ms: number, cancel?: AbortSignal): Promise<void>;
}

/** `work`, or null when ms pass first; the timer is cleared either way. */
export async function within<T>(clock: Clock, ms: number, work: Promise<T>): Promise<T | null> {
  const cancel = new AbortController();
  try {
    return await Promise.race([work, clock.sleep(ms, cancel.signal).then(() => null)]);
  } finally {
    cancel.abort();
  }
}

export type ProgressPhase = 'plan' | 'start' | 'wait' | 'up' | 'load' | 'signal' | 'exit' | 'kill' | 'baseline' | 'done';

export interface ProgressEvent {
  phase: ProgressPhase;
  message: string;
}

export interface Ports {
  spawn(request: SpawnRequest): Promise<RunningApp>;
  clock: Clock;
  progress(event: ProgressEvent): void;
  freePort(): Promise<number>;
  /** Aborted on Ctrl+C: everything started is ended, then the run rejects with Interrupted. */
  abort: AbortSignal;
}

export interface RequestCounts {
  /** Responses completed after the stop signal. */
  answered: number;
  answeredBefore: number;
  /** Accepted and never answered (after the signal or before). */
  lost: number;
  lostReset: number;
  lostHangup: number;
  lostTimeout: number;
  /** Connection attempts refused after the signal. */
  refused: number;
  /**
   * Requests on a reused keep-alive connection that the server closed before reading them (reset,
   * or already closed at the first poll after the write; no byte of answer): retried on a new
   * connection, as HTTP clients do.
   */
  retried: number;
  /** Status codes of the answers after the signal, e.g. { "200": 120, "503": 4 }. */
  statuses: Record<string, number>;
  idleHeld: number;
  /** Idle keep-alive connections the server closed before it exited. */
  idleClosed: number;
}

export interface RunReport {
  /** `working tree`, or the baseline ref. */
  label: string;
  command: string[];
  commandSource: string;
  pid1: boolean;
  pid1Note: string | null;
  port: number;
  stopSignal: NodeJS.Signals;
  stopSignalSource: string;
  graceMs: number;
  graceSource: string;
  expectedExit: number;
  expectedExitSource: string;
  adjustments: string[];
  exitMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  killed: boolean;
  requests: RequestCounts;
  refusedAfterClose: boolean;
  wsCloseCodes: number[];
  logTail: string[];
  /** Nothing lost, exited by itself with the expected code. */
  passed: boolean;
  /** Why it did not pass, for people. */
  failures: string[];
}

export interface VerifyOutcome {
  current: RunReport;
  baseline: RunReport | null;
}
