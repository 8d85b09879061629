/** Interactive questions through `prompts`, loaded only when a question is really asked. */
import type { Facts } from '../detect/facts.js';
import type { AnyQuestion } from '../questions.js';
import { UserError } from '../core/errors.js';

export async function askQuestion(q: AnyQuestion, initial: unknown, facts: Facts): Promise<unknown> {
  const { default: prompts } = await import('prompts');
  const onCancel = (): never => {
    throw new UserError('cancelled; nothing was written', { exitCode: 1 });
  };
  const choices = q.choices?.(facts) ?? [];
  if (q.kind === 'number') {
    const r = await prompts({ type: 'number', name: 'v', message: q.message ?? q.flag, initial: initial as number, min: 0 }, { onCancel });
    return q.parse(String(r['v']), facts);
  }
  if (q.kind === 'select') {
    const r = await prompts({ type: 'select', name: 'v', message: q.message ?? q.flag, choices, initial: Math.max(0, choices.findIndex((c) => c.value === initial)) }, { onCancel });
    return r['v'];
  }
  const selected = new Set(initial as unknown[]);
  const r = await prompts(
    { type: 'multiselect', name: 'v', message: q.message ?? q.flag, choices: choices.map((c) => ({ ...c, selected: selected.has(c.value) })), instructions: false, min: 1 },
    { onCancel },
  );
  return r['v'];
}

export async function confirm(message: string): Promise<boolean> {
  const { default: prompts } = await import('prompts');
  const r = await prompts({ type: 'confirm', name: 'ok', message, initial: true }, { onCancel: () => false });
  return r['ok'] === true;
}
