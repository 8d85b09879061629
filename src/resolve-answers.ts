/**
 * Resolving answers, in one order for every question: flag, then the answer recorded on an
 * earlier run (unless --reconfigure), then a prompt when interactive, then the detected default.
 * A recorded answer goes through the same `parse` as a flag: the manifest is input like any other.
 */
import type { Answers } from './answers.js';
import type { Facts } from './detect/facts.js';
import { QUESTIONS, type AnyQuestion } from './questions.js';
import { UsageError, UserError } from './core/errors.js';
import { MANIFEST_PATH } from './upgrade/manifest.js';

export type Ask = (q: AnyQuestion, initial: unknown, facts: Facts) => Promise<unknown>;

type Source = 'flag' | 'recorded' | 'asked' | 'default';

export async function resolveAnswers(
  facts: Facts,
  flags: Record<string, string>,
  recorded: Partial<Answers> | null,
  ask: Ask | null,
  /** With --reconfigure: earlier answers are not reused; a prompt starts from them, without one the defaults apply. */
  reconfigure = false,
): Promise<Answers> {
  const out: Record<string, unknown> = {};
  const from: Record<string, Source> = {};
  for (const q of QUESTIONS) {
    const raw = flags[q.flag];
    const hasRecorded = recorded?.[q.key] !== undefined && isStillValid(q, recorded[q.key], facts);
    if (raw !== undefined) {
      out[q.key] = q.parse(raw, facts);
      from[q.key] = 'flag';
    } else if (!reconfigure && hasRecorded) {
      out[q.key] = validRecorded(q, recorded?.[q.key], facts);
      from[q.key] = 'recorded';
    } else if (ask && q.message && (q.relevant?.(facts) ?? true)) {
      const initial = hasRecorded ? orNull(() => validRecorded(q, recorded?.[q.key], facts)) : null;
      out[q.key] = await ask(q, initial ?? q.default(facts), facts);
      from[q.key] = 'asked';
    } else {
      out[q.key] = q.default(facts);
      from[q.key] = 'default';
    }
  }
  const answers = out as unknown as Answers;
  checkDelayBelowTimeout(answers, from);
  return answers;
}

function orNull<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** The dirs `--apps` names, parsed as the question parses them. */
export function resolveAppsFlag(facts: Facts, raw: string): string[] {
  const q = QUESTIONS.find((x) => x.key === 'apps');
  return q ? (q.parse(raw, facts) as string[]) : [];
}

/** A recorded answer as a flag would give it, parsed (and bounded) by the question itself. */
function validRecorded(q: AnyQuestion, value: unknown, facts: Facts): unknown {
  const raw = Array.isArray(value) ? value.map((v) => (v === '' ? '.' : String(v))).join(',') : String(value);
  try {
    return q.parse(raw, facts);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const what = error.message.replace(new RegExp(`^--${q.flag}:? ?`), '');
    throw new UserError(
      `answers.${q.key} (recorded by an earlier run): ${what}; fix it there, or pass --${q.flag} (or --reconfigure) to answer again`,
      { file: MANIFEST_PATH, cause: error },
    );
  }
}

/** A recorded answer is reused only while it still makes sense (an app dir that still exists). */
function isStillValid(q: AnyQuestion, value: unknown, facts: Facts): boolean {
  if (q.key !== 'apps') return true;
  return Array.isArray(value) && value.every((d) => facts.apps.some((a) => a.dir === d));
}

/** The delay before closing listeners must leave time to drain: checked across the two answers, naming where each came from. */
function checkDelayBelowTimeout(a: Answers, from: Record<string, Source>): void {
  if (a.shutdownDelayMs < a.timeoutMs) return;
  const name = (key: 'timeoutMs' | 'shutdownDelayMs', flag: string): string =>
    from[key] === 'recorded' ? `answers.${key} in ${MANIFEST_PATH}` : from[key] === 'default' ? `the default --${flag}` : `--${flag}`;
  const delay = name('shutdownDelayMs', 'shutdown-delay');
  const timeout = name('timeoutMs', 'timeout');
  const message = `${delay} (${a.shutdownDelayMs} ms) must be below ${timeout} (${a.timeoutMs} ms), or no time is left to drain: lower --shutdown-delay or raise --timeout`;
  if (
    from['shutdownDelayMs'] === 'flag' ||
    from['timeoutMs'] === 'flag' ||
    from['shutdownDelayMs'] === 'asked' ||
    from['timeoutMs'] === 'asked'
  )
    throw new UsageError(message);
  throw new UserError(message, { file: MANIFEST_PATH });
}
