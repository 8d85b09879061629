/**
 * The python-loops corpus: repos shaped after real public ones (facts read with `fetch`, code
 * written here), each a program whose job loop waits between rounds. Each case says how its
 * launcher starts it, which trace events mark "waiting between rounds" and "a job in hand", and
 * how long a job takes, so the stop can be bounded by the work actually left.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const CORPUS = join(import.meta.dirname, 'repos');

export interface LoopCase {
  repo: string;
  /** Shape and the public repo it was modelled on (facts only). */
  shape: string;
  /** The module the tool wires. */
  entry: string;
  mode: 'plain' | 'asyncio';
  /** Where the start command is read from, as the launcher would. */
  launcher: { file: 'Dockerfile' } | { file: 'Procfile'; process: string } | { file: 'docker-compose.yml'; service: string };
  /** Event written when the loop starts its wait between rounds. */
  sleeping: string;
  /** A job long enough to signal in the middle of: its start and end events and its length. */
  job: { start: string; done: string; ms: number } | null;
  /** Files to write in the scratch dir before the start (name -> content) and env vars naming them. */
  scratch?: (dir: string) => { files: Record<string, string>; env: Record<string, string> };
  env: Record<string, string>;
}

/** Every job the corpus signals in the middle of takes this long. */
const JOB_MS = 1000;

type CaseFields = Omit<LoopCase, 'sleeping' | 'job' | 'env'> & {
  /** Default `sleeping`. */
  sleeping?: string;
  /** The job's trace name: it writes `<job> start` and `<job> done`; null for no job to signal in. */
  job: string | null;
  env?: Record<string, string>;
};

/** One case from the fields that differ between repos; the trace events follow one naming. */
function loopCase(c: CaseFields): LoopCase {
  const { sleeping = 'sleeping', job, env = {}, ...rest } = c;
  return { ...rest, sleeping, job: job === null ? null : { start: `${job} start`, done: `${job} done`, ms: JOB_MS }, env };
}

export const CASES: LoopCase[] = [
  loopCase({
    repo: 'sensor-poller',
    shape: 'module-level poller with a sleep between readings and a back-off sleep (adafruit/Adafruit_Python_DHT examples)',
    entry: 'sensor_logger.py',
    mode: 'plain',
    launcher: { file: 'Dockerfile' },
    sleeping: 'reading 1 done',
    job: null,
    scratch: (dir) => ({ files: {}, env: { READINGS_CSV: join(dir, 'readings.csv') } }),
    env: { FREQUENCY_SECONDS: '3600' },
  }),
  loopCase({
    repo: 'telegram-style-bot',
    shape:
      'asyncio long-polling bot, asyncio.run(main()), `await asyncio.sleep(60)` between polls, own Ctrl+C message (Rapptz/discord.py background task example; Procfile worker as Heroku bots use)',
    entry: 'bot.py',
    mode: 'asyncio',
    launcher: { file: 'Procfile', process: 'worker' },
    job: 'answer hi',
    scratch: (dir) => ({ files: { 'inbox.jsonl': '{"text": "hi"}\n' }, env: { BOT_INBOX: join(dir, 'inbox.jsonl') } }),
  }),
  loopCase({
    repo: 'sqlite-monitor',
    shape: 'main() with its own `except KeyboardInterrupt` and `finally` clean-up, hourly sleep, run by docker compose',
    entry: 'monitor.py',
    mode: 'plain',
    launcher: { file: 'docker-compose.yml', service: 'monitor' },
    job: 'check 1',
    scratch: (dir) => ({ files: {}, env: { MONITOR_DB: join(dir, 'monitor.db') } }),
  }),
  loopCase({
    repo: 'inbox-watcher',
    shape:
      'single-file worker run by its Dockerfile (no manifest): the loop does a round, then calls a helper that logs and sleeps for a poll interval from the environment (single-file workers with `CMD ["python", "worker.py"]` and a POLL_INTERVAL variable)',
    entry: 'watcher.py',
    mode: 'plain',
    launcher: { file: 'Dockerfile' },
    job: 'convert 1',
    scratch: (dir) => ({ files: {}, env: { INBOX_DIR: dir } }),
    env: { POLL_SECONDS: '3600' },
  }),
  loopCase({
    repo: 'feed-poller',
    shape:
      'asyncio poller run as a Procfile worker: `asyncio.run(main())` under its own Ctrl+C message, the loop awaits a round and then a helper that logs and awaits `asyncio.sleep(POLL_SECONDS)` (the Rapptz/discord.py background-task shape telegram-style-bot was read from, with the wait in a helper)',
    entry: 'poller.py',
    mode: 'asyncio',
    launcher: { file: 'Procfile', process: 'worker' },
    job: 'store 1',
  }),
  loopCase({
    repo: 'window-sync',
    shape:
      'the wait first, then the round (`while True: time.sleep(interval)` and the work after it, as in the placeholder worker loops found when reading single-file workers), run by docker compose',
    entry: 'sync.py',
    mode: 'plain',
    launcher: { file: 'docker-compose.yml', service: 'sync' },
    // The wait comes first: a job is in hand only after one full interval, too long for a test.
    job: null,
    env: { SYNC_INTERVAL: '3600' },
  }),
];

/** The command the launcher runs, as words. */
export function launchWords(dir: string, c: LoopCase): string[] {
  const text = readFileSync(join(dir, c.launcher.file), 'utf8');
  if (c.launcher.file === 'Procfile') {
    const prefix = `${c.launcher.process}:`;
    const line = text.split(/\r?\n/).find((l) => l.startsWith(prefix));
    if (!line) throw new Error(`${c.repo}/Procfile: no ${prefix} line`);
    return line.slice(prefix.length).trim().split(/\s+/);
  }
  if (c.launcher.file === 'docker-compose.yml') {
    const doc = parse(text) as { services: Record<string, { command?: string | string[] }> };
    const command = doc.services[c.launcher.service]?.command;
    if (!command) throw new Error(`${c.repo}/docker-compose.yml: service ${c.launcher.service} has no command`);
    return Array.isArray(command) ? command : command.trim().split(/\s+/);
  }
  // The final exec-form CMD (after the tool, tini may come first through ENTRYPOINT: the CMD is the program).
  const cmd = text
    .split(/\r?\n/)
    .filter((l) => /^CMD\s+\[/.test(l))
    .pop();
  if (!cmd) throw new Error(`${c.repo}/Dockerfile: no exec-form CMD`);
  return JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[];
}
