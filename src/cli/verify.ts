/**
 * `create-graceful-shutdown verify [dir]`: the command layer of src/verify (arguments, progress on
 * stderr, the report on stdout, the exit code). 0: nothing lost and the app exited by itself with
 * the configured code; 1: otherwise, or bad input; 2: usage; 130: interrupted.
 */
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { UsageError } from '../core/errors.js';
import type { Io } from './main.js';
import { DEFAULTS, Interrupted, verify, type ProgressEvent, type VerifyOptions } from '../verify/index.js';
import { realPorts } from '../verify/ports.js';
import { formatJson, formatMarkdown, formatText } from '../verify/format.js';

export interface VerifyArgs extends VerifyOptions {
  json: boolean;
  report: string | null;
  help: boolean;
}

const VALUED = new Set([
  'command',
  'port',
  'path',
  'connections',
  'concurrency',
  'ws',
  'ws-clients',
  'grace',
  'stop-signal',
  'expect-exit',
  'warmup',
  'startup-timeout',
  'baseline',
  'report',
  'log-lines',
]);

export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const o: VerifyArgs = {
    dir: '.',
    command: null,
    port: null,
    path: DEFAULTS.path,
    connections: DEFAULTS.connections,
    concurrency: DEFAULTS.concurrency,
    ws: [],
    wsClients: DEFAULTS.wsClients,
    graceMs: null,
    stopSignal: null,
    expectExit: null,
    warmupMs: DEFAULTS.warmupMs,
    startupTimeoutMs: DEFAULTS.startupTimeoutMs,
    noPid1: false,
    baseline: null,
    build: false,
    logLines: DEFAULTS.logLines,
    json: false,
    report: null,
    help: false,
  };
  let dirSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      if (dirSeen) throw new UsageError(`verify: unexpected argument '${arg}': give one directory at most (see verify --help)`);
      o.dir = arg;
      dirSeen = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.replace(/^--?/, '').split('=')[0]!;
    if (['json', 'build', 'no-pid1', 'help', 'h', 'debug'].includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      if (name === 'json') o.json = true;
      else if (name === 'build') o.build = true;
      else if (name === 'no-pid1') o.noPid1 = true;
      else if (name === 'help' || name === 'h') o.help = true;
      continue;
    }
    if (!VALUED.has(name)) throw new UsageError(`verify: unknown option '${arg}' (see verify --help)`);
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (see verify --help)`);
    switch (name) {
      case 'command':
        o.command = value;
        break;
      case 'port':
        o.port = int(name, value, 1, 65535);
        break;
      case 'path':
        if (!value.startsWith('/')) throw new UsageError(`--path must start with '/', got '${value}'`);
        o.path = value;
        break;
      case 'connections':
        o.connections = int(name, value, 0, 100_000);
        break;
      case 'concurrency':
        o.concurrency = int(name, value, 0, 10_000);
        break;
      case 'ws':
        if (!value.startsWith('/')) throw new UsageError(`--ws must be a path starting with '/', got '${value}'`);
        o.ws.push(value);
        break;
      case 'ws-clients':
        o.wsClients = int(name, value, 1, 10_000);
        break;
      case 'grace':
        o.graceMs = Math.round(num(name, value) * 1000);
        break;
      case 'stop-signal':
        o.stopSignal = signalName(value);
        break;
      case 'expect-exit':
        o.expectExit = int(name, value, 0, 255);
        break;
      case 'warmup':
        o.warmupMs = int(name, value, 0, 600_000);
        break;
      case 'startup-timeout':
        o.startupTimeoutMs = Math.round(num(name, value) * 1000);
        break;
      case 'baseline':
        o.baseline = value;
        break;
      case 'report':
        o.report = value;
        break;
      case 'log-lines':
        o.logLines = int(name, value, 0, 10_000);
        break;
    }
  }
  if (o.build && o.baseline === null) throw new UsageError('--build builds the --baseline worktree; give --baseline <git-ref> too');
  return o;
}

function int(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  return Number(value);
}

function num(name: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
    throw new UsageError(`--${name} must be a positive number of seconds, got '${value}'`);
  return Number(value);
}

function signalName(value: string): NodeJS.Signals {
  const upper = value.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (!(name in constants.signals)) throw new UsageError(`--stop-signal '${value}' is not a signal (e.g. SIGTERM, SIGINT, SIGQUIT)`);
  return name as NodeJS.Signals;
}

export function verifyHelp(): string {
  const rows: [string, string][] = [
    ['[dir]', "the app's directory (default: the current directory)"],
    ['--command "<cmd>"', 'how production starts the app (default: the Dockerfile ENTRYPOINT/CMD, else the start script)'],
    ['--port <n>', 'the port the app listens on (default: a free port, passed as PORT)'],
    ['--path <path>', `route to load and to wait on; any status counts as up (default ${DEFAULTS.path})`],
    ['--connections <n>', `idle keep-alive connections held through the shutdown (default ${DEFAULTS.connections})`],
    ['--concurrency <n>', `clients sending requests back to back (default ${DEFAULTS.concurrency})`],
    ['--ws <path>', 'hold WebSocket clients on this path (repeatable)'],
    ['--ws-clients <n>', `WebSocket clients per --ws path (default ${DEFAULTS.wsClients})`],
    ['--grace <s>', 'kill after this many seconds (default: the stop grace of the timeout chain, else 10)'],
    ['--stop-signal <SIG>', 'the stop signal (default: compose stop_signal, else the Dockerfile STOPSIGNAL, else SIGTERM)'],
    ['--expect-exit <n>', 'the exit code of a clean shutdown (default: the configured exit mode, else 0)'],
    ['--warmup <ms>', `load before the signal (default ${DEFAULTS.warmupMs})`],
    ['--startup-timeout <s>', `how long to wait for the first answer (default ${DEFAULTS.startupTimeoutMs / 1000})`],
    ['--no-pid1', 'run as a plain child, not PID 1 of a new PID namespace'],
    ['--baseline <git-ref>', 'measure that ref too, in a temporary worktree, and print both side by side'],
    ['--build', 'run the build script in the baseline worktree first'],
    ['--report <file.md>', 'write the comparison as Markdown (for a pull request)'],
    ['--json', 'print the report as JSON'],
    ['--log-lines <n>', `last lines of the app's output to show (default ${DEFAULTS.logLines})`],
  ];
  const width = Math.max(...rows.map(([a]) => a.length)) + 2;
  return [
    'Usage: create-graceful-shutdown verify [dir] [options]',
    '',
    'Starts the app the way its container would (PID 1 of a new PID namespace where possible), holds idle',
    'keep-alive connections, a stream of requests and WebSocket clients, sends the stop signal, keeps the',
    'load running, kills at the stop grace like `docker stop`, and reports the time to exit, the exit',
    'status, and the requests answered and lost after the signal. Writes nothing in the repository.',
    '',
    'Options:',
    ...rows.map(([a, b]) => `  ${a.padEnd(width)}${b}`),
    '',
    'Exit codes: 0 nothing lost and the app exited by itself with the expected code; 1 otherwise or bad',
    'input; 2 usage error; 130 interrupted.',
  ].join('\n');
}

/** Progress on stderr: a spinner on a TTY, plain lines otherwise. */
function progressReporter(isTty: boolean, io: Io): { report: (e: ProgressEvent) => void; done: () => void } {
  if (!isTty) return { report: (e) => io.stderr(`verify: ${e.message}`), done: () => {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  let message = '';
  const width = (): number => Math.max(20, (process.stderr.columns || 80) - 3);
  const draw = (): void => {
    process.stderr.write(`\r\x1b[K${frames[i++ % frames.length]} ${message.slice(0, width())}`);
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    report: (e) => {
      message = e.message;
      draw();
    },
    done: () => {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    },
  };
}

export async function runVerify(argv: readonly string[], io: Io): Promise<number> {
  const args = parseVerifyArgs(argv);
  if (args.help) {
    io.stdout(verifyHelp());
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    controller.abort();
    // A second Ctrl+C while cleaning up: give up waiting (the app was already sent SIGKILL).
    if (interrupts > 1) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const progress = progressReporter(process.stderr.isTTY === true, io);
  try {
    const outcome = await verify(args, realPorts(progress.report, controller.signal));
    progress.done();
    io.stdout(args.json ? formatJson(outcome) : formatText(outcome));
    if (args.report !== null) writeFileSync(args.report, formatMarkdown(outcome));
    return outcome.current.passed ? 0 : 1;
  } catch (error) {
    progress.done();
    if (error instanceof Interrupted) {
      io.stderr(`create-graceful-shutdown verify: ${error.message}`);
      return 130;
    }
    // UserErrors (bad input) and internal errors are printed by main(), as for every command.
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
