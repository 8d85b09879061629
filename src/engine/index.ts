/**
 * The engine: one run of the tool, for both front ends (src/cli and src/plop-pack.ts). In two
 * steps, so a front end can show what was found before it asks anything:
 *   findRepo: finish an interrupted earlier run, detect;
 *   prepareRun: answers (flag, record, question, default), plan, reconcile with the earlier run,
 *   record the manifest; the result guards against uncommitted changes and applies.
 * It prints, asks and exits nothing itself: asking and git go through ports.
 */
import { applyChanges, type FaultHook } from '../core/apply.js';
import { planReader } from '../core/read.js';
import { templatesFrom } from '../core/render.js';
import type { Facts } from '../detect/facts.js';
import { detect } from '../detect/index.js';
import { buildPlan } from '../pipeline.js';
import { resolveAnswers } from '../resolve-answers.js';
import { checkFindings } from '../upgrade/check.js';
import { MANIFEST_MAX_BYTES, MANIFEST_PATH, readManifest, serializeManifest } from '../upgrade/manifest.js';
import { reconcile } from '../upgrade/reconcile.js';
import { guardUncommitted } from './guard.js';
import { recoverEarlierRun } from './recover.js';
import type { EngineOptions, EnginePorts, FoundRepo, PreparedRun } from './types.js';

export type { EngineOptions, EnginePorts, FoundRepo, PreparedRun } from './types.js';

export function findRepo(opts: EngineOptions): FoundRepo {
  const recovered = recoverEarlierRun(opts);
  return { recovered, facts: detect(opts.dir) };
}

export async function prepareRun(facts: Facts, opts: EngineOptions, ports: EnginePorts): Promise<PreparedRun> {
  const read = planReader(facts.root, new Map([[MANIFEST_PATH, MANIFEST_MAX_BYTES]]));
  const previous = readManifest(read);
  // --check is for CI: never ask.
  const ask = opts.check ? null : ports.ask;
  const answers = await resolveAnswers(facts, opts.flags, previous?.answers ?? null, ask, opts.reconfigure);
  const plan = await buildPlan(facts, answers, read, opts.driver, { templates: templatesFrom(opts.templatesDir) });
  const upgrade = reconcile(plan, previous, { version: opts.version, answers });
  if (!opts.check && (previous !== null || plan.planned().length > 0)) {
    plan.write(MANIFEST_PATH, serializeManifest(upgrade.manifest), 'record of generated files, for upgrades', 'internal');
  }
  const changes = plan.changes();
  let guarded = false;
  const guard = (): void => {
    if (guarded || changes.length === 0) return;
    guardUncommitted(facts.root, plan, opts.force, ports.gitState);
    guarded = true;
  };
  return {
    facts,
    answers,
    previous,
    plan,
    upgrade,
    changes,
    reviewed: changes.filter((c) => plan.kindOf(c.path) !== 'internal'),
    notes: plan.notes,
    findings: () => checkFindings(upgrade, plan.notes, (p) => plan.current(p)),
    guard,
    apply: (hook?: FaultHook) => {
      guard();
      applyChanges(facts.root, changes, hook);
    },
  };
}
