/**
 * A Kubernetes corpus repo of the shape that was harmed (issue 14): Node services it builds
 * (orders, billing), a Go service and Redis it does not, a preStop httpGet, a templated grace, a
 * CronJob, a kustomize overlay patch and a Helm chart. After the container generators: workloads
 * that are not the treated apps' are byte-identical, no effective grace is lower than before, and
 * the plan's text is exactly what was written.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import { detectContainer } from '../../src/detect/container.js';
import type { Facts } from '../../src/detect/facts.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { detectFrom } from '../../src/detect/index.js';
import { describeK8sChange, K8S_DEFAULT_GRACE_SECONDS, type K8sChange } from '../../src/edits/k8s.js';
import { readK8s } from '../../src/detect/k8s-file.js';
import { composeGenerator } from '../../src/generators/compose.js';
import { dockerGenerator } from '../../src/generators/docker.js';
import { k8sGenerator } from '../../src/generators/k8s.js';
import { createPlop, registerGenerator, registerPlanActions, runGenerator } from '../../src/generators/plopfile.js';

const repo = join(import.meta.dirname, 'k8s-corpus', 'multi-service');
const GENERATORS = [dockerGenerator, composeGenerator, k8sGenerator];

async function plan(
  apps: string[],
): Promise<{ plan: Plan; facts: Facts; read: (p: string) => string | null; reasons: Map<string, string[]> }> {
  const files = listRepoFiles(repo);
  const facts: Facts = { ...detectFrom(files), container: detectContainer(files) };
  const read = (p: string): string | null => files.read(p);
  const answers: Answers = {
    apps,
    parts: ['docker', 'compose', 'k8s'],
    timeoutMs: 8000,
    shutdownDelayMs: 0,
    exitMode: 'zero',
    preStopSeconds: 5,
  };
  const p = new Plan(read);
  const plop = await createPlop(repo);
  registerPlanActions(plop, p);
  for (const g of GENERATORS) registerGenerator(plop, g);
  const reasons = new Map<string, string[]>();
  for (const app of facts.apps.filter((a) => apps.includes(a.dir))) {
    for (const gen of GENERATORS) {
      const ctx = { facts, answers, app, current: (path: string) => p.current(path) };
      if (!gen.appliesTo(ctx)) continue;
      for (const action of gen.actions(ctx)) {
        if (action.type === 'plan-edit' && gen === k8sGenerator)
          reasons.set(action.path, [...(reasons.get(action.path) ?? []), ...action.reason.split('; ')]);
      }
      await runGenerator(plop, gen, ctx);
    }
  }
  return { plan: p, facts, read, reasons };
}

/** What changed between two versions of a manifest, in the plan's words, read back from the files. */
function written(before: string, after: string): string[] {
  const old = readK8s(before);
  return readK8s(after)
    .map((w, i) => {
      const was = old[i]!;
      const change: K8sChange = { workload: `${w.kind} "${w.name}"`, grace: null, graceAtLeast: null, preStop: [] };
      if (w.graceSeconds !== was.graceSeconds) change.grace = { from: was.graceSeconds, to: w.graceSeconds! };
      w.containers.forEach((c, j) => {
        if (c.preStop !== null && was.containers[j]!.preStop === null && c.preStop.kind === 'sleep') {
          const text = after.includes('sleep:\n') && !after.includes('command: ["sleep"') ? 'sleep' : 'exec';
          change.preStop.push({ container: c.name, seconds: c.preStop.seconds, action: text });
        }
      });
      return describeK8sChange(change);
    })
    .filter((l): l is string => l !== null);
}

const effectiveGrace = (source: string): number[] =>
  readK8s(source).map((w) => w.graceSeconds ?? (w.graceTemplate !== null ? Number.NaN : K8S_DEFAULT_GRACE_SECONDS));

describe('Kubernetes corpus: multi-service repo with foreign workloads', () => {
  it('ties workloads to the apps that build their images, and touches nothing else', async () => {
    const { plan: p, read, facts, reasons } = await plan(['services/orders', 'services/billing']);
    expect(facts.container.k8sManifests.sort()).toEqual([
      'deploy/k8s/base/billing.yaml',
      'deploy/k8s/base/gateway.yaml',
      'deploy/k8s/base/orders-cleanup.yaml',
      'deploy/k8s/base/orders-worker.yaml',
      'deploy/k8s/base/orders.yaml',
      'deploy/k8s/base/redis.yaml',
    ]);
    const changed = new Map(p.changes().map((c) => [c.path, c.after]));
    // Foreign workloads, the overlay patch, the chart: byte-identical (not even planned).
    for (const path of [
      'deploy/k8s/base/gateway.yaml',
      'deploy/k8s/base/redis.yaml',
      'deploy/k8s/overlays/prod/orders-grace.yaml',
      'charts/billing/values.yaml',
      'charts/billing/templates/deployment.yaml',
      'services/gateway/Dockerfile',
      'skaffold.yaml',
    ]) {
      expect(changed.has(path), path).toBe(false);
    }
    const notes = p.notes.map((n) => `${n.level} ${n.file ?? ''}: ${n.message}`);
    expect(notes).toContain(
      'info deploy/k8s/base/gateway.yaml: left as it is: Deployment "gateway" (image ghcr.io/acme/gateway:0.9.1): no app of this repo builds its image',
    );
    expect(notes).toContain(
      'info deploy/k8s/base/redis.yaml: left as it is: StatefulSet "redis" (image redis:7.4): no app of this repo builds its image',
    );

    // orders (node:20-slim has /bin/sleep): an exec sleep on its own container only; the 30 s default is kept.
    const orders = changed.get('deploy/k8s/base/orders.yaml')!;
    expect(orders).toContain(
      '          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "5"]\n        - name: log-shipper',
    );
    expect(orders).not.toContain('terminationGracePeriodSeconds');
    // The sidecar and the Service document are as they were.
    const source = read('deploy/k8s/base/orders.yaml')!;
    expect(orders.slice(orders.indexOf('        - name: log-shipper'))).toBe(source.slice(source.indexOf('        - name: log-shipper')));

    // The templated grace stays as written; the plan says what it must be.
    expect(
      changed.has('deploy/k8s/base/orders-worker.yaml')
        ? changed.get('deploy/k8s/base/orders-worker.yaml')
        : read('deploy/k8s/base/orders-worker.yaml'),
    ).toContain('terminationGracePeriodSeconds: ${GRACE_SECONDS}\n');
    expect(
      notes.some((n) =>
        n.includes(
          'Deployment "orders-worker": terminationGracePeriodSeconds is templated (${GRACE_SECONDS}), left as written: it must be at least 15',
        ),
      ),
    ).toBe(true);
    // The CronJob serves no traffic: no preStop, and its 30 s default covers the 10 s it needs.
    expect(changed.has('deploy/k8s/base/orders-cleanup.yaml')).toBe(false);

    // billing: preStop httpGet kept, no sleep added; distroless has no sleep binary anyway.
    expect(changed.has('deploy/k8s/base/billing.yaml')).toBe(false);
    expect(notes.some((n) => n.includes('Deployment "billing": container "billing" keeps its preStop httpGet /drain'))).toBe(true);

    // kustomize patch and Helm values: reported with what they must be, never edited.
    expect(notes).toContain(
      'warn deploy/k8s/overlays/prod/orders-grace.yaml: kustomize patch for Deployment "orders" sets terminationGracePeriodSeconds: 5: left as written; it must be at least 15 (preStop + the app\'s stop grace)',
    );
    expect(
      notes.some((n) =>
        n.startsWith(
          'warn charts/billing/values.yaml: Helm chart charts/billing: templates are not edited; terminationGracePeriodSeconds is 5: it must be at least',
        ),
      ),
    ).toBe(true);

    // No effective grace is lower than before, anywhere.
    for (const [path, after] of changed) {
      if (!path.endsWith('.yaml')) continue;
      const before = effectiveGrace(read(path)!);
      effectiveGrace(after).forEach((g, i) => {
        if (!Number.isNaN(before[i]!)) expect(g).toBeGreaterThanOrEqual(before[i]!);
      });
    }

    // The plan's words are what was written.
    for (const [path, after] of changed) {
      if (!path.startsWith('deploy/')) continue;
      expect(reasons.get(path), path).toEqual(written(read(path)!, after));
    }
    expect(reasons.get('deploy/k8s/base/orders.yaml')).toEqual(['Deployment "orders": preStop exec sleep 5 s on "orders"']);
  });

  it('treating only billing leaves every orders workload byte-identical', async () => {
    const { plan: p } = await plan(['services/billing']);
    const paths = p
      .changes()
      .map((c) => c.path)
      .filter((c) => c.startsWith('deploy/'));
    expect(paths).toEqual([]);
    expect(p.notes.map((n) => n.message)).toContain(
      'left as it is: Deployment "orders" (image ghcr.io/acme/orders:1.4.0, fluent/fluent-bit:3.1): it runs an app that is not treated in this run',
    );
  });

  it('raises a grace period only when the chain needs more than the 30 s in force', async () => {
    const files = listRepoFiles(repo);
    const facts: Facts = { ...detectFrom(files), container: detectContainer(files) };
    const app = facts.apps.find((a) => a.dir === 'services/orders')!;
    const answers: Answers = {
      apps: [app.dir],
      parts: ['k8s'],
      timeoutMs: 40_000,
      shutdownDelayMs: 0,
      exitMode: 'zero',
      preStopSeconds: 5,
    };
    const actions = k8sGenerator.actions({ facts, answers, app, current: (path) => files.read(path) });
    const edit = actions.find((a) => a.type === 'plan-edit' && a.path === 'deploy/k8s/base/orders.yaml');
    expect(edit?.type === 'plan-edit' && edit.reason).toBe(
      'Deployment "orders": preStop exec sleep 5 s on "orders", terminationGracePeriodSeconds 30 (default) -> 55',
    );
    const after = edit?.type === 'plan-edit' ? edit.edit(files.read('deploy/k8s/base/orders.yaml')!) : false;
    expect(readK8s(after as string)[0]!.graceSeconds).toBe(55);
  });

  it('adds no exec sleep to an image without a sleep binary (distroless billing); the plan says what to add', () => {
    const files = listRepoFiles(repo);
    const facts: Facts = { ...detectFrom(files), container: detectContainer(files) };
    const app = facts.apps.find((a) => a.dir === 'services/billing')!;
    const noHook = files.read('deploy/k8s/base/billing.yaml')!.replace(/ {10}lifecycle:[\s\S]*$/, '');
    const current = (path: string): string | null => (path === 'deploy/k8s/base/billing.yaml' ? noHook : files.read(path));
    const answers: Answers = { apps: [app.dir], parts: ['k8s'], timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 };
    const actions = k8sGenerator.actions({ facts, answers, app, current });
    expect(actions.some((a) => a.type === 'plan-edit' && a.path === 'deploy/k8s/base/billing.yaml')).toBe(false);
    expect(
      actions.some(
        (a) =>
          a.type === 'plan-note' &&
          a.message.includes('Deployment "billing": container "billing" has no preStop and its image is not known to have a sleep binary'),
      ),
    ).toBe(true);
  });
});
