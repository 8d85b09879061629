/**
 * Interactive questions through `prompts`, loaded only when a question is really asked.
 * NO_COLOR (https://no-color.org) turns colours off; TERM=dumb gets plain numbered questions read
 * line by line, with no colour and no cursor movement at all (a dumb terminal shows those as junk).
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline/promises';
import type { Facts } from '../detect/facts.js';
import type { AnyQuestion, Choice } from '../questions.js';
import { UserError } from '../core/errors.js';
import { terminalSafe } from './terminal.js';

function dumbTerminal(): boolean {
  return process.env['TERM'] === 'dumb';
}

async function loadPrompts(): Promise<typeof import('prompts')> {
  // kleur, which prompts colours with, reads this when it is loaded.
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') process.env['NODE_DISABLE_COLORS'] = '1';
  // require, not import(): the bundled CLI is a CommonJS script, compiled with a code cache, where
  // import() has no loader (scripts/bundle-cli.mjs refuses to build one that contains it).
  return createRequire(import.meta.url)('prompts') as typeof import('prompts');
}

const cancelled = (): never => {
  throw new UserError('cancelled; nothing was written', { exitCode: 1 });
};

export async function askQuestion(q: AnyQuestion, initial: unknown, facts: Facts): Promise<unknown> {
  const choices = (q.choices?.(facts) ?? []).map((c) => ({ ...c, title: terminalSafe(c.title) }));
  if (dumbTerminal()) return askPlain(q, initial, facts, choices);
  const prompts = await loadPrompts();
  const onCancel = cancelled;
  if (q.kind === 'number') {
    const r = await prompts({ type: 'number', name: 'v', message: q.message ?? q.flag, initial: initial as number, min: 0 }, { onCancel });
    return q.parse(String(r['v']), facts);
  }
  if (q.kind === 'select') {
    const r = await prompts(
      {
        type: 'select',
        name: 'v',
        message: q.message ?? q.flag,
        choices,
        initial: Math.max(
          0,
          choices.findIndex((c) => c.value === initial),
        ),
      },
      { onCancel },
    );
    return r['v'];
  }
  const selected = new Set(initial as unknown[]);
  const r = await prompts(
    {
      type: 'multiselect',
      name: 'v',
      message: q.message ?? q.flag,
      choices: choices.map((c) => ({ ...c, selected: selected.has(c.value) })),
      instructions: false,
      min: 1,
    },
    { onCancel },
  );
  return r['v'];
}

export async function confirm(message: string): Promise<boolean> {
  if (dumbTerminal()) {
    const answer = await lineFrom(`${message} [Y/n] `);
    return answer === null ? false : !/^n/i.test(answer.trim());
  }
  const prompts = await loadPrompts();
  const r = await prompts({ type: 'confirm', name: 'ok', message, initial: true }, { onCancel: () => false });
  return r['ok'] === true;
}

/** Lines typed on stdin, read by one reader for the whole run (a second one could lose buffered lines). */
let typed: { next(): Promise<string | null> } | null = null;

function typedLines(): { next(): Promise<string | null> } {
  if (typed) return typed;
  const rl = createInterface({ input: process.stdin, terminal: false });
  const queue: (string | null)[] = [];
  const waiting: ((l: string | null) => void)[] = [];
  const push = (l: string | null): void => {
    const w = waiting.shift();
    if (w) w(l);
    else queue.push(l);
    // Paused between questions, so that stdin does not keep the process alive after the last one.
    if (l !== null && waiting.length === 0) rl.pause();
  };
  rl.on('line', (l) => push(l));
  let closed = false;
  rl.on('close', () => {
    closed = true;
    push(null);
  });
  typed = {
    next() {
      if (queue.length) return Promise.resolve(queue.shift() ?? null);
      if (closed) return Promise.resolve(null);
      rl.resume();
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  return typed;
}

/** One line from stdin after `question`; null at end of input. */
async function lineFrom(question: string): Promise<string | null> {
  process.stdout.write(question);
  return typedLines().next();
}

/** A question as plain lines: the choices numbered, the answer typed; Enter keeps the default. */
async function askPlain(q: AnyQuestion, initial: unknown, facts: Facts, choices: Choice<unknown>[]): Promise<unknown> {
  const message = q.message ?? q.flag;
  for (;;) {
    if (q.kind === 'number') {
      const line = await lineFrom(`${message} [${String(initial)}]: `);
      if (line === null) cancelled();
      const raw = (line ?? '').trim() === '' ? String(initial) : (line ?? '').trim();
      try {
        return q.parse(raw, facts);
      } catch (error) {
        process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
        continue;
      }
    }
    const picked = q.kind === 'select' ? [initial] : (initial as unknown[]);
    const lines = choices.map((c, i) => `  ${i + 1}) ${c.title}${picked.includes(c.value) ? ' *' : ''}`);
    const defaults = choices.map((c, i) => (picked.includes(c.value) ? i + 1 : 0)).filter((n) => n > 0);
    process.stdout.write(`${message}\n${lines.join('\n')}\n`);
    const line = await lineFrom(
      q.kind === 'select' ? `number [${defaults[0] ?? 1}]: ` : `numbers, comma-separated [${defaults.join(',')}]: `,
    );
    if (line === null) cancelled();
    const text = (line ?? '').trim();
    const nums = text === '' ? (q.kind === 'select' ? [defaults[0] ?? 1] : defaults) : text.split(',').map((x) => Number(x.trim()));
    if (
      nums.length === 0 ||
      nums.some((n) => !Number.isInteger(n) || n < 1 || n > choices.length) ||
      (q.kind === 'select' && nums.length !== 1)
    ) {
      process.stdout.write(`give ${q.kind === 'select' ? 'one number' : 'numbers'} from 1 to ${choices.length}\n`);
      continue;
    }
    const values = nums.map((n) => choices[n - 1]?.value);
    return q.kind === 'select' ? values[0] : values;
  }
}
