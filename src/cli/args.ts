/** Command-line parsing. Question flags come from QUESTIONS; their values are parsed later, against the facts. */
import { UsageError } from '../core/errors.js';

export interface Options {
  dir: string;
  yes: boolean;
  dryRun: boolean;
  help: boolean;
  version: boolean;
  debug: boolean;
  force: boolean;
  check: boolean;
  reconfigure: boolean;
  report: string | null;
  /** Raw values of question flags, by flag name. */
  answers: Record<string, string>;
}

const BOOLEAN: Record<string, keyof Options> = {
  yes: 'yes',
  y: 'yes',
  'dry-run': 'dryRun',
  help: 'help',
  h: 'help',
  version: 'version',
  v: 'version',
  debug: 'debug',
  force: 'force',
  check: 'check',
  reconfigure: 'reconfigure',
};

/** @param questionFlags long names of the flags that carry answers */
export function parseArgs(argv: readonly string[], questionFlags: readonly string[]): Options {
  const o: Options = {
    dir: '.',
    yes: false,
    dryRun: false,
    help: false,
    version: false,
    debug: false,
    force: false,
    check: false,
    reconfigure: false,
    report: null,
    answers: {},
  };
  const valued = new Set([...questionFlags, 'report']);
  let dirSeen = false;
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    // `--` ends the options: what follows is the directory, even when it starts with '-'.
    if (arg === '--' && !optionsEnded) {
      optionsEnded = true;
      continue;
    }
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      if (dirSeen) throw new UsageError(`unexpected argument '${arg}': give one directory at most (see --help)`);
      o.dir = arg;
      dirSeen = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.replace(/^--?/, '').slice(0, eq === -1 ? undefined : eq - (arg.startsWith('--') ? 2 : 1));
    const bool = BOOLEAN[name];
    if (bool) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      (o as unknown as Record<string, boolean>)[bool] = true;
      continue;
    }
    if (valued.has(name)) {
      let value: string | undefined;
      if (eq !== -1) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (see --help)`);
      if (name === 'report') o.report = value;
      else o.answers[name] = value;
      continue;
    }
    throw new UsageError(`unknown option '${arg}' (see --help)`);
  }
  return o;
}
