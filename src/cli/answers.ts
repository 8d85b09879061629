/**
 * Resolving answers, in one order for every question: flag, then the answer recorded on an
 * earlier run (unless --reconfigure), then a prompt when interactive, then the detected default.
 */
import type { Answers } from '../answers.js';
import type { Facts } from '../detect/facts.js';
import { QUESTIONS, type AnyQuestion } from '../questions.js';

export type Ask = (q: AnyQuestion, initial: unknown, facts: Facts) => Promise<unknown>;

export async function resolveAnswers(
  facts: Facts,
  flags: Record<string, string>,
  recorded: Partial<Answers> | null,
  ask: Ask | null,
  /** With --reconfigure: earlier answers are not reused; a prompt starts from them, without one the defaults apply. */
  reconfigure = false,
): Promise<Answers> {
  const out: Record<string, unknown> = {};
  for (const q of QUESTIONS) {
    const raw = flags[q.flag];
    if (raw !== undefined) out[q.key] = q.parse(raw, facts);
    else if (!reconfigure && recorded && recorded[q.key] !== undefined && isStillValid(q, recorded[q.key], facts)) out[q.key] = recorded[q.key];
    else if (ask && q.message && (q.relevant?.(facts) ?? true)) out[q.key] = await ask(q, initialValue(q, recorded, facts), facts);
    else out[q.key] = q.default(facts);
  }
  return out as unknown as Answers;
}

function initialValue(q: AnyQuestion, recorded: Partial<Answers> | null, facts: Facts): unknown {
  const r = recorded?.[q.key];
  return r !== undefined && isStillValid(q, r, facts) ? r : q.default(facts);
}

/** A recorded answer is reused only while it still makes sense (an app dir that still exists). */
function isStillValid(q: AnyQuestion, value: unknown, facts: Facts): boolean {
  if (q.key !== 'apps') return true;
  return Array.isArray(value) && value.every((d) => facts.apps.some((a) => a.dir === d));
}
