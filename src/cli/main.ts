/**
 * The command layer: the only place that reads argv, prompts, prints, and exits.
 * Heavy parts (ts-morph, the generators, the parsers) are imported only after --help/--version; node-plop
 * never (only the plop pack uses it).
 */
import { readFileSync } from 'node:fs';
import { UserError, UsageError } from '../core/errors.js';
import { QUESTIONS } from '../questions.js';
import { parseArgs, type Options } from './args.js';
import { helpText } from './help.js';
import { terminalSafe } from './terminal.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether questions may be asked (a TTY on stdin, no --yes, not CI). */
  interactive: boolean;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  const io: Io = { ...rawIo, stdout: (s) => rawIo.stdout(terminalSafe(s)), stderr: (s) => rawIo.stderr(terminalSafe(s)) };
  let opts: Options | null = null;
  try {
    if (argv[0] === 'verify') {
      const { runVerify } = await import('./verify.js');
      return await runVerify(argv.slice(1), io);
    }
    opts = parseArgs(
      argv,
      QUESTIONS.map((q) => q.flag),
    );
    if (opts.help) {
      io.stdout(helpText());
      return 0;
    }
    if (opts.version) {
      io.stdout(version());
      return 0;
    }
    const { run } = await import('./run.js');
    return await run(opts, { ...io, interactive: io.interactive && !opts.yes }, version());
  } catch (error) {
    return report(error, io, opts?.debug ?? argv.includes('--debug'));
  }
}

function report(error: unknown, io: Io, debug: boolean): number {
  if (error instanceof UserError) {
    const line = firstLine(error.message);
    // A usage mistake says what was wrong; the help says what is allowed.
    const advice = error instanceof UsageError && !line.includes('--help') ? '; see --help' : '';
    io.stderr(`create-graceful-shutdown: ${line}${advice}`);
    if (debug && error.stack) io.stderr(error.stack);
    return error.exitCode;
  }
  const e = error as Error;
  io.stderr(
    `create-graceful-shutdown: internal error: ${firstLine(e?.message ?? String(error))} (run with --debug for details, and please report it)`,
  );
  if (debug && e?.stack) io.stderr(e.stack);
  return 1;
}

/** The first line, with other control characters shown escaped: messages echo user input, which must not drive the terminal. */
function firstLine(s: string): string {
  const line = s.split(/\r?\n/)[0] ?? s;
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function isCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Entry from bin/: real process streams, real exit code. */
export async function cli(): Promise<void> {
  // `create-graceful-shutdown --dry-run | head`: a closed pipe is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      // Output that cannot be written (a full disk behind `> file`) cannot be reported there either.
      process.exit(1);
    });
  }
  const code = await main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(`${s}\n`),
    stderr: (s) => process.stderr.write(`${s}\n`),
    interactive: process.stdin.isTTY === true && !isCi(),
  });
  process.exitCode = code;
}
