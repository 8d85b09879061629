/**
 * #15 item 4: a monorepo of 200 apps works, run after run. (On the old format, 90 apps made a
 * 2.2 MB manifest, over the read limit, and every later run failed.) Size and time are measured
 * by bench/manifest-scale.mjs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, fingerprint, runCli, tempDir } from './harness.js';
import { MANIFEST_MAX_BYTES } from '../../src/upgrade/manifest.js';

afterAll(cleanupTemps);

const APPS = 200;

function monorepo(dir: string, apps: number): void {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }, null, 2)}\n`);
  for (let i = 1; i <= apps; i++) {
    const app = join(dir, 'apps', `app-${i}`);
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: `app-${i}`, scripts: { start: 'node server.js' } }, null, 2)}\n`);
    writeFileSync(join(app, 'server.js'), 'const http = require("node:http");\n\nhttp.createServer((req, res) => res.end("ok\\n")).listen(Number(process.env.PORT ?? 3000));\n');
  }
}

describe('the manifest scales', () => {
  it(`${APPS} apps: the first run writes it, the second finds nothing to do, --check is green`, () => {
    const dir = tempDir('mono');
    monorepo(dir, APPS);
    const first = runCli([dir, '--yes'], { timeoutMs: 300_000 });
    expect(first.code, first.stderr).toBe(0);
    const size = statSync(join(dir, '.graceful-shutdown.json')).size;
    // Each app's module text is the same and is stored once. What grows is each app's own Dockerfile, which
    // copies every workspace manifest (npm needs them all to install one workspace): 200 apps make a
    // 2.5 MB manifest (measured), which must stay far below the manifest's own read limit.
    expect(size).toBeLessThan(MANIFEST_MAX_BYTES / 16);
    const before = fingerprint(dir);
    const second = runCli([dir, '--yes'], { timeoutMs: 300_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Nothing to do: everything is already in place.');
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
    const check = runCli([dir, '--check'], { timeoutMs: 300_000 });
    expect(check.code, check.stdout).toBe(0);
  }, 600_000);
});
