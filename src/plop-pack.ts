/**
 * The plop pack: a team with its own plopfile can run
 *   await plop.load('create-graceful-shutdown')
 * and get a `graceful-shutdown` generator that detects, plans and writes exactly as the CLI does
 * (all files at once), in plop's destination directory.
 */
import type { NodePlopAPI } from 'node-plop';
import type { Answers } from './answers.js';
import { QUESTIONS } from './questions.js';
import { detect } from './detect/index.js';
import { resolveAnswers } from './resolve-answers.js';
import { buildPlan } from './pipeline.js';
import { plopDriver } from './generators/plopfile.js';
import { planReader } from './core/read.js';
import { applyChanges } from './core/apply.js';

/** Questions plop asks (inquirer); the rest take their detected defaults. */
const ASKED = QUESTIONS.filter((q) => q.kind !== 'multiselect');

export default function plopPack(plop: NodePlopAPI): void {
  plop.setDefaultInclude({ generators: true });
  plop.setActionType('create-graceful-shutdown', async (answers) => {
    const root = plop.getDestBasePath();
    const facts = detect(root);
    const flags: Record<string, string> = {};
    for (const q of ASKED) {
      const v = (answers as Record<string, unknown>)[q.key];
      if (v !== undefined && v !== '') flags[q.flag] = String(v);
    }
    const resolved: Answers = await resolveAnswers(facts, flags, null, null);
    const plan = await buildPlan(facts, resolved, planReader(root), plopDriver);
    const changes = plan.changes();
    applyChanges(root, changes);
    const notes = plan.notes.map((n) => `${n.level}: ${n.file ? `${n.file}: ` : ''}${n.message}`);
    return [`${changes.length} file(s) written: ${changes.map((c) => c.path).join(', ') || 'none'}`, ...notes].join('\n');
  });
  plop.setGenerator('graceful-shutdown', {
    description: 'add graceful shutdown to this repository (create-graceful-shutdown)',
    prompts: ASKED.map((q) => ({
      type: q.kind === 'select' ? 'list' : 'input',
      name: q.key,
      message: q.message ?? q.help,
      // These questions' choices and defaults do not depend on the facts (only apps/parts do).
      default: q.default(undefined as never),
      ...(q.choices ? { choices: q.choices(undefined as never).map((c) => ({ name: c.title, value: c.value })) } : {}),
      validate: (v: unknown) => {
        try {
          if (q.kind === 'number') q.parse(String(v), undefined as never);
          return true;
        } catch (e) {
          return (e as Error).message;
        }
      },
    })) as never,
    actions: [{ type: 'create-graceful-shutdown' }],
  });
}
