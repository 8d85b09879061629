import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkChain, parseDuration, serverTimeoutOf, targetChain } from '../../src/core/timeout-chain.js';
import { detectContainer } from '../../src/detect/container.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { patchCompose } from '../../src/edits/compose.js';
import { patchK8s } from '../../src/edits/k8s.js';
import { readRepoChain } from '../../src/generators/container-chain.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', 'fixtures', 'repos', 'container-chain-contradiction');

describe('target chain', () => {
  it('orders app budget < stop grace < k8s grace, with preStop inside the k8s grace', () => {
    for (const timeoutMs of [1000, 8000, 30_000, 120_000]) {
      const t = targetChain({ timeoutMs, preStopSeconds: 5, servesTraffic: true });
      expect(t.stopGraceSeconds * 1000).toBeGreaterThan(timeoutMs);
      expect(t.k8sGraceSeconds).toBeGreaterThan(t.preStopSeconds + timeoutMs / 1000);
      expect(t.k8sGraceSeconds).toBeGreaterThan(t.stopGraceSeconds);
    }
    expect(targetChain({ timeoutMs: 8000, preStopSeconds: 5, servesTraffic: false })).toMatchObject({
      preStopSeconds: 0,
      k8sGraceSeconds: 10,
    });
  });

  it('reads compose durations and server drain flags', () => {
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('10')).toBe(10);
    expect(parseDuration('soon')).toBeNull();
    expect(serverTimeoutOf(['gunicorn', 'app:app'])).toEqual({ server: 'gunicorn graceful_timeout', seconds: 30, isDefault: true });
    expect(serverTimeoutOf(['uvicorn', 'm:app', '--timeout-graceful-shutdown=12'])?.seconds).toBe(12);
  });
});

describe('the chain a repo has', () => {
  const files = listRepoFiles(repo);
  const container = detectContainer(files);
  const read = (p: string): string | null => files.read(p);

  it('finds the Dockerfile budget, the compose grace and the k8s grace with its preStop', () => {
    expect(container).toEqual({ dockerfiles: ['Dockerfile'], composeFiles: ['docker-compose.yml'], k8sManifests: ['k8s/deployment.yaml'] });
    const links = readRepoChain(read, container);
    expect(links.map((l) => [l.kind, l.seconds])).toEqual([
      ['app-budget', 20],
      ['compose-grace', 30],
      ['k8s-grace', 15],
      ['prestop', 5],
    ]);
  });

  it('reports a k8s grace shorter than preStop + the app budget, and nothing about the compose grace', () => {
    const report = checkChain(readRepoChain(read, container), { timeoutMs: 8000, preStopSeconds: 5, servesTraffic: true });
    expect(report.contradictions).toHaveLength(2);
    expect(report.contradictions[0]).toMatch(
      /Deployment "api" terminationGracePeriodSeconds is 15 s, not more than preStop 5 s \+ GRACEFUL_SHUTDOWN_TIMEOUT_MS \(Dockerfile ENV\) 20 s/,
    );
    expect(report.contradictions[1]).toMatch(/20 s, more than the 8 s budget chosen now/);
    expect(report.explanation[0]).toMatch(/^Timeout chain found: /);
    expect(report.explanation[1]).toBe('Timeout chain set: app budget 8 s < stop grace 10 s < Kubernetes grace 15 s (preStop 5 s + 10 s)');
  });

  it("has no contradictions left once compose and k8s are patched with the chain for the repo's own budget", () => {
    const input = { timeoutMs: 20_000, preStopSeconds: 5, servesTraffic: true };
    const target = targetChain(input);
    const patched = new Map<string, string>();
    const compose = patchCompose(read('docker-compose.yml')!, {
      api: { init: true, stopSignal: 'SIGTERM', stopGraceSeconds: target.stopGraceSeconds },
    });
    if (compose.text !== false) patched.set('docker-compose.yml', compose.text);
    const k8s = patchK8s(read('k8s/deployment.yaml')!, {
      stopGraceSeconds: target.stopGraceSeconds,
      preStopSeconds: 5,
      preStopAction: 'exec',
    });
    expect(k8s.text).not.toBe(false);
    patched.set('k8s/deployment.yaml', k8s.text as string);
    const after = checkChain(
      readRepoChain((p) => patched.get(p) ?? read(p), container),
      input,
    );
    expect(after.contradictions).toEqual([]);
  });

  it("counts Docker's 10 s default when there is a Dockerfile and no compose grace", () => {
    const links = readRepoChain((p) => (p === 'Dockerfile' ? 'FROM node:20\nCMD ["node", "s.js"]\n' : null), {
      dockerfiles: ['Dockerfile'],
      composeFiles: [],
      k8sManifests: [],
    });
    const report = checkChain(links, { timeoutMs: 15_000, preStopSeconds: 5, servesTraffic: true });
    expect(report.contradictions[0]).toMatch(/`docker stop` timeout is 10 s \(default\), not more than/);
  });
});
