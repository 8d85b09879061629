/**
 * No edit of an existing file runs twice for one plan: every fixture repo is planned as `--yes` would plan
 * it, on the first run and on the re-run after its files are written, while the edits count their runs by
 * (edit, input). The same edit on the same input twice means two parts (or one part twice) re-did work
 * that one of them had done: with ts-morph that is the CLI's largest cost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { detect } from '../../src/detect/index.js';
import { resolveAnswers } from '../../src/resolve-answers.js';
import { buildPlan } from '../../src/pipeline.js';
import { planReader } from '../../src/core/read.js';
import { applyChanges } from '../../src/core/apply.js';
import { countEditRun, countEditRuns } from '../../src/core/edit-runs.js';
import { cleanupCopies, copyRepo, REPOS } from '../helpers/tree.js';

afterAll(cleanupCopies);

async function repeatedEdits(
  dir: string,
): Promise<{ repeated: string[]; total: number; changes: ReturnType<Awaited<ReturnType<typeof buildPlan>>['changes']> }> {
  const facts = detect(dir);
  const answers = await resolveAnswers(facts, {}, null, null);
  const { result: plan, runs } = await countEditRuns(() => buildPlan(facts, answers, planReader(facts.root)));
  const repeated = [...runs].filter(([, n]) => n > 1).map(([key, n]) => `${n}x ${key.slice(0, 160)}`);
  return { repeated, total: [...runs.values()].reduce((a, b) => a + b, 0), changes: plan.changes() };
}

const repos = readdirSync(REPOS).sort();
let editsSeen = 0;

describe('no edit runs twice per plan', () => {
  it.each(repos)('%s: first run and re-run', async (name) => {
    const dir = copyRepo(name);
    const first = await repeatedEdits(dir).catch(() => null);
    if (first === null) return; // a repo the tool refuses: test/cli covers its message
    expect(first.repeated).toEqual([]);
    editsSeen += first.total;
    applyChanges(dir, first.changes);
    const again = await repeatedEdits(dir);
    expect(again.repeated).toEqual([]);
  });

  it('the count is real: the fixtures ran edits, and a repeated run is seen', async () => {
    expect(editsSeen).toBeGreaterThan(50);
    const { runs } = await countEditRuns(async () => {
      countEditRun('patchDockerfile', 'FROM node:22\n', {});
      countEditRun('patchDockerfile', 'FROM node:22\n', {});
    });
    expect([...runs.values()]).toEqual([2]);
  });
});
