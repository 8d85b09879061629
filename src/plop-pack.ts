/**
 * The plop pack: a team with its own plopfile can run
 *   await plop.load('create-graceful-shutdown')
 * and get a `graceful-shutdown` generator that runs the CLI's engine (../engine) in plop's
 * destination directory: same plan, same manifest (so a later run, from plop or the CLI, upgrades
 * it), same refusal of files with uncommitted changes, all files written at once.
 */
import { readFileSync } from 'node:fs';
import type { NodePlopAPI } from 'node-plop';
import { QUESTIONS } from './questions.js';
import { type EngineOptions, findRepo, prepareRun } from './engine/index.js';
import { plopDriver } from './generators/plopfile.js';
import { uncommitted } from './upgrade/git.js';

/** Questions plop asks (inquirer); the rest take their detected defaults. */
const ASKED = QUESTIONS.filter((q) => q.kind !== 'multiselect');

/** Recorded in the manifest, as the CLI records it; package.json is one level up from src/ and dist/ alike. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function flagsOf(answers: unknown): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const q of ASKED) {
    const v = (answers as Record<string, unknown>)[q.key];
    if (v !== undefined && v !== '') flags[q.flag] = String(v);
  }
  return flags;
}

export default function plopPack(plop: NodePlopAPI): void {
  plop.setDefaultInclude({ generators: true });
  plop.setActionType('create-graceful-shutdown', async (answers) => {
    const opts: EngineOptions = {
      dir: plop.getDestBasePath(),
      flags: flagsOf(answers),
      reconfigure: false,
      check: false,
      dryRun: false,
      force: false,
      templatesDir: null,
      version: version(),
      driver: plopDriver,
    };
    const { recovered, facts } = findRepo(opts);
    // Plop asks its own questions first; the engine asks none (plop's answers are its flags).
    const run = await prepareRun(facts, opts, { ask: null, gitState: uncommitted });
    run.apply();
    const notes = run.notes.map((n) => `${n.level}: ${n.file ? `${n.file}: ` : ''}${n.message}`);
    const earlier = recovered === null ? [] : [`an interrupted earlier run was ${recovered.outcome}`];
    const written = run.changes.map((c) => c.path).join(', ') || 'none';
    return [...earlier, `${run.changes.length} file(s) written: ${written}`, ...notes].join('\n');
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
