/**
 * The scoped view of the plan a generator gets (`plan.scope`): it records its own origin on every
 * file it writes or edits, whatever other views do meanwhile; the plan itself records none.
 */
import { describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/plan.js';
import { planReader } from '../../src/core/read.js';
import { detect } from '../../src/detect/index.js';
import { buildPlan } from '../../src/pipeline.js';
import { resolveAnswers } from '../../src/resolve-answers.js';
import { REPOS } from '../helpers/tree.js';
import { join } from 'node:path';

describe('plan.scope', () => {
  it('each view records its own origin, even interleaved across awaits', async () => {
    const plan = new Plan((path) => (path === 'server.js' ? 'listen()\n' : null));
    const a = plan.scope({ generator: 'node-module', app: '' });
    const b = plan.scope({ generator: 'node-entrypoint', app: 'api' });
    const runA = (async () => {
      a.write('shutdown.js', 'module\n', 'shutdown registry');
      await Promise.resolve();
      a.edit('server.js', (s) => `${s}// a\n`, 'note a');
    })();
    b.edit('server.js', (s) => `setup()\n${s}`, 'wire');
    await runA;
    expect(plan.originsOf('shutdown.js')).toEqual([{ generator: 'node-module', app: '' }]);
    expect(plan.originsOf('server.js')).toEqual([
      { generator: 'node-entrypoint', app: 'api' },
      { generator: 'node-module', app: '' },
    ]);
    expect(plan.read('server.js')).toBe('setup()\nlisten()\n// a\n');
    expect(a.exists('shutdown.js') && b.exists('shutdown.js')).toBe(true);
  });

  it("the plan itself records no origin (the manifest is nobody's generator)", () => {
    const plan = new Plan(() => null);
    plan.write('.graceful-shutdown.json', '{}\n', 'record', 'internal');
    plan.scope({ generator: 'docker', app: '' }).note('warn', 'seen');
    expect(plan.originsOf('.graceful-shutdown.json')).toEqual([]);
    expect(plan.notes).toEqual([{ level: 'warn', message: 'seen' }]);
  });

  it('through the pipeline, every planned file names the generator that planned it', async () => {
    for (const fixture of ['node-http-cjs', 'python-flask-gunicorn', 'container-node']) {
      const facts = detect(join(REPOS, fixture));
      const answers = await resolveAnswers(facts, {}, null, null);
      const plan = await buildPlan(facts, answers, planReader(facts.root));
      expect(plan.planned().length, fixture).toBeGreaterThan(0);
      for (const c of plan.planned()) expect(plan.originsOf(c.path).length, `${fixture}: ${c.path}`).toBeGreaterThan(0);
    }
  });
});
