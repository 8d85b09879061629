import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { patchK8s, readK8s, type K8sPatchOptions } from '../../src/edits/k8s.js';

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

const comments = (text: string): string[] => text.split('\n').map((l) => /(^|\s)#.*$/.exec(l)?.[0]?.trim()).filter((c): c is string => !!c);

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
    for (const w of readK8s(output)) {
      const preStop = Math.max(0, ...w.containers.map((c) => (c.preStopSeconds !== null && !Number.isNaN(c.preStopSeconds) ? c.preStopSeconds : 0)));
      expect(w.graceSeconds).toBeGreaterThanOrEqual(preStop + options.stopGraceSeconds);
    }
  });
});

describe('patchK8s behaviour', () => {
  it('adds a preStop sleep and a grace period to a Deployment, leaving the Service alone', () => {
    const { source, options } = load('deployment-basic');
    const out = patchK8s(source, options).text as string;
    const [deployment] = readK8s(out);
    expect(deployment).toMatchObject({ kind: 'Deployment', name: 'api', graceSeconds: 15 });
    expect(deployment!.containers[0]!.preStopSeconds).toBe(5);
    expect(out.slice(out.indexOf('---'))).toBe(source.slice(source.indexOf('---')));
  });

  it('raises a grace period shorter than the existing preStop plus the budget', () => {
    const { source, options } = load('short-grace');
    const out = patchK8s(source, options).text as string;
    expect(out).toContain('terminationGracePeriodSeconds: 20 # someone wanted fast rollouts');
  });

  it('gives Jobs a grace period but no preStop (they serve no traffic)', () => {
    const { source, options } = load('cronjob');
    const out = patchK8s(source, options).text as string;
    expect(out).not.toContain('preStop');
    expect(readK8s(out)[0]!.graceSeconds).toBe(10);
  });

  it('uses the sleep action when asked (no sleep binary in the image)', () => {
    const { source, options } = load('distroless-sleep-action');
    expect(patchK8s(source, options).text).toContain('        lifecycle:\n          preStop:\n            sleep:\n              seconds: 3\n');
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
