import { messagesOf } from '../../src/core/edit-result.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeK8sChange, patchK8s, type K8sPatchOptions } from '../../src/edits/k8s.js';
import { readK8s } from '../../src/detect/k8s-file.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'k8s');
const cases = readdirSync(fixtures).sort();

function load(name: string): { file: string; source: string; options: K8sPatchOptions } {
  const dir = join(fixtures, name);
  const file = readdirSync(dir).find((f) => f !== 'options.json')!;
  return {
    file,
    source: readFileSync(join(dir, file), 'utf8'),
    options: JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as K8sPatchOptions,
  };
}

const comments = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => /(^|\s)#.*$/.exec(l)?.[0]?.trim())
    .filter((c): c is string => !!c);

describe('patchK8s fixtures', () => {
  it.each(cases)('%s', async (name) => {
    const { file, source, options } = load(name);
    const result = patchK8s(source, options);
    const output = result.text === false ? source : result.text;
    await expect(output).toMatchFileSnapshot(`../../snapshots/k8s/${name}/${file}`);
    expect(comments(output)).toEqual(comments(source));
    expect(patchK8s(output, options).text).toBe(false);
    // Still valid YAML with as many documents; every workload's grace covers preStop + stop grace.
    expect(parseAllDocuments(output).length).toBe(parseAllDocuments(source).length);
    // Every workload's grace in force covers preStop + stop grace, and none is lower than before.
    const before = readK8s(source);
    for (const [i, w] of readK8s(output).entries()) {
      const preStop = Math.max(
        0,
        ...w.containers.map((c) => (c.preStopSeconds !== null && !Number.isNaN(c.preStopSeconds) ? c.preStopSeconds : 0)),
      );
      expect(w.graceSeconds ?? 30).toBeGreaterThanOrEqual(preStop + options.stopGraceSeconds);
      expect(w.graceSeconds ?? 30).toBeGreaterThanOrEqual(before[i]!.graceSeconds ?? 30);
    }
  });
});

describe('patchK8s behaviour', () => {
  it('adds a preStop sleep and keeps the 30 s default grace (15 s would lower it), leaving the Service alone', () => {
    const { source, options } = load('deployment-basic');
    const result = patchK8s(source, options);
    const out = result.text as string;
    const [deployment] = readK8s(out);
    expect(deployment).toMatchObject({ kind: 'Deployment', name: 'api', graceSeconds: null });
    expect(out).not.toContain('terminationGracePeriodSeconds');
    expect(result.data.changes.map(describeK8sChange)).toEqual(['Deployment "api": preStop exec sleep 5 s on "api"']);
    expect(deployment!.containers[0]!.preStopSeconds).toBe(5);
    expect(out.slice(out.indexOf('---'))).toBe(source.slice(source.indexOf('---')));
  });

  it('raises a grace period shorter than the existing preStop plus the budget', () => {
    const { source, options } = load('short-grace');
    const out = patchK8s(source, options).text as string;
    expect(out).toContain('terminationGracePeriodSeconds: 20 # someone wanted fast rollouts');
    expect(patchK8s(source, options).data.changes.map(describeK8sChange)).toEqual([
      'Deployment "web": terminationGracePeriodSeconds 5 -> 20',
    ]);
  });

  it('gives Jobs no preStop (they serve no traffic) and leaves their 30 s default grace alone', () => {
    const { source, options } = load('cronjob');
    expect(patchK8s(source, options).text).toBe(false);
    const long = patchK8s(source, { ...options, stopGraceSeconds: 45 });
    expect(long.text).not.toContain('preStop');
    expect(readK8s(long.text as string)[0]!.graceSeconds).toBe(45);
    expect(long.data.changes.map(describeK8sChange)).toEqual([
      'CronJob "nightly-report": terminationGracePeriodSeconds 30 (default) -> 45',
    ]);
  });

  it('uses the sleep action when asked (no sleep binary in the image)', () => {
    const { source, options } = load('distroless-sleep-action');
    expect(patchK8s(source, options).text).toContain(
      '        lifecycle:\n          preStop:\n            sleep:\n              seconds: 3\n',
    );
  });

  it('only touches the named app container', () => {
    const { source, options } = load('statefulset-sidecar');
    const [w] = readK8s(patchK8s(source, options).text as string);
    expect(w!.containers.map((c) => c.preStopSeconds)).toEqual([null, 5]);
    expect(w!.containers[1]!.budgetMs).toBe(20000);
  });

  it('keeps a longer grace period', () => {
    const { source, options } = load('lifecycle-poststart');
    const out = patchK8s(source, options).text as string;
    expect(out).toContain('terminationGracePeriodSeconds: 60\n');
    expect(out).toContain('postStart:');
  });
});

describe('patchK8s never lowers what is in force (issue 14)', () => {
  const deployment = (extra: string, lifecycle = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
${extra}      containers:
        - name: api
          image: ghcr.io/acme/api:1
${lifecycle}`;
  const options: K8sPatchOptions = { stopGraceSeconds: 10, preStopSeconds: 5, preStopAction: 'exec' };

  it('writes no grace period below the 30 s default', () => {
    const result = patchK8s(deployment(''), options);
    expect(result.text).not.toContain('terminationGracePeriodSeconds');
  });

  it('keeps a preStop httpGet, adds no sleep, and computes nothing from a guess', () => {
    const source = deployment(
      '',
      '          lifecycle:\n            preStop:\n              httpGet:\n                path: /drain\n                port: 8080\n',
    );
    const result = patchK8s(source, options);
    expect(result.text).toBe(false);
    expect(result.data.changes).toEqual([]);
    expect(messagesOf(result, 'info').join('\n')).toMatch(/keeps its preStop httpGet \/drain/);
  });

  it('leaves a templated grace as written and says what it must be at least', () => {
    const source = deployment('      terminationGracePeriodSeconds: ${GRACE_SECONDS}\n');
    const result = patchK8s(source, options);
    expect(result.text).toContain('terminationGracePeriodSeconds: ${GRACE_SECONDS}\n');
    expect(messagesOf(result, 'info').join('\n')).toContain('templated (${GRACE_SECONDS}), left as written: it must be at least 15');
    expect(readK8s(source)[0]!.graceTemplate).toBe('${GRACE_SECONDS}');
  });

  it('adds no exec sleep when the image is not known to have one', () => {
    const result = patchK8s(deployment(''), { ...options, preStopAction: 'none' });
    expect(result.text).toBe(false);
    expect(messagesOf(result, 'info').join('\n')).toMatch(/add a preStop of 5 s/);
  });

  it('leaves workloads the selector does not give it byte-identical', () => {
    const source = `${deployment('')}---\n${deployment('')
      .replace(/name: api/g, 'name: redis')
      .replace('ghcr.io/acme/api:1', 'redis:7')}`;
    const result = patchK8s(source, { ...options, select: (w) => (w.name === 'api' ? ['api'] : null) });
    const out = result.text as string;
    expect(out.slice(out.indexOf('---'))).toBe(source.slice(source.indexOf('---')));
    expect(result.data.changes.map((c) => c.workload)).toEqual(['Deployment "api"']);
  });
});
