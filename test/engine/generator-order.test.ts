/**
 * Generator order is declared (src/generators/index.ts), not implied by the list: the run order is
 * derived from what each generator says must run before it, a cyclic declaration is refused, and
 * every fixture repo plans the same with the list reversed or shuffled. A generator that reads a
 * file another one plans, without declaring it, sees a different file in some order and fails that.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan.js';
import { planReader } from '../../src/core/read.js';
import { detect } from '../../src/detect/index.js';
import { DECLARED_GENERATORS, GENERATORS } from '../../src/generators/index.js';
import { type OrderedGenerator, runOrder } from '../../src/generators/order.js';
import type { ArtifactGenerator } from '../../src/generators/types.js';
import { buildPlan } from '../../src/pipeline.js';
import { resolveAnswers } from '../../src/resolve-answers.js';
import { REPOS } from '../helpers/tree.js';

const gen = (name: string): ArtifactGenerator => ({ ...GENERATORS[0]!, name });
const names = (gens: readonly ArtifactGenerator[]): string[] => gens.map((g) => g.name);

/** A fixed permutation (a linear congruential sequence), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Everything the plan decides, order-free: per file its content, kind, imports and generators; the notes. */
function decided(plan: Plan): unknown {
  const files = plan
    .planned()
    .map((c) => ({
      path: c.path,
      before: c.before,
      after: c.after,
      kind: plan.kindOf(c.path),
      needs: [...plan.needsOf(c.path)].sort(),
      by: plan
        .originsOf(c.path)
        .map((o) => `${o.generator}@${o.app}`)
        .sort(),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const notes = plan.notes.map((n) => `${n.level} ${n.file ?? ''} ${n.message}`).sort();
  return { files, notes };
}

async function planWith(repo: string, generators: readonly ArtifactGenerator[]): Promise<unknown> {
  const facts = detect(join(REPOS, repo));
  try {
    const answers = await resolveAnswers(facts, {}, null, null);
    return decided(await buildPlan(facts, answers, planReader(facts.root), undefined, { generators }));
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

describe('generator order', () => {
  it('the declared order gives the order the generators always ran in', () => {
    expect(names(GENERATORS)).toEqual([
      'node-module',
      'devserver',
      'python-module',
      'node-entrypoint',
      'python-entrypoint',
      'docker',
      'compose',
      'k8s',
    ]);
  });

  it('runs each generator after the ones it names, whatever the list order', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const order = names(runOrder(shuffled(DECLARED_GENERATORS, seed)));
      for (const d of DECLARED_GENERATORS) {
        for (const before of d.after)
          expect(order.indexOf(before), `${seed}: ${before} before ${d.generator.name}`).toBeLessThan(order.indexOf(d.generator.name));
      }
    }
  });

  it('refuses a cyclic declaration, naming the cycle, and a name that is no generator', () => {
    const cyclic: OrderedGenerator[] = [
      { generator: gen('a'), after: [] },
      { generator: gen('b'), after: ['a', 'd'] },
      { generator: gen('c'), after: ['b'] },
      { generator: gen('d'), after: ['c'] },
    ];
    expect(() => runOrder(cyclic)).toThrow('generator order is cyclic: b → d → c → b');
    expect(() => runOrder([{ generator: gen('a'), after: ['dokcer'] }])).toThrow('generator a runs after dokcer, which is not a generator');
  });

  const reversed = runOrder([...DECLARED_GENERATORS].reverse());
  const mixed = runOrder(shuffled(DECLARED_GENERATORS, 7));
  it('orders that differ from the declared one are tried', () => {
    expect(names(reversed)).not.toEqual(names(GENERATORS));
    expect(names(mixed)).not.toEqual(names(GENERATORS));
  });

  for (const repo of readdirSync(REPOS).sort()) {
    it(`${repo}: the same plan with the list reversed or shuffled`, async () => {
      const declared = await planWith(repo, GENERATORS);
      expect(await planWith(repo, reversed)).toEqual(declared);
      expect(await planWith(repo, mixed)).toEqual(declared);
    });
  }
});
