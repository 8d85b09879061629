/**
 * The test tiers hold together: every listed unit test exists, none is listed twice, CI still runs
 * everything, and the guard of the unit tier really refuses processes, servers and connections.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNIT_ISOLATED_TESTS, UNIT_TESTS } from '../tiers.js';
import { UNIT_GUARD_MESSAGE } from '../unit-guard.js';

const ROOT = join(import.meta.dirname, '../..');

describe('test tiers', () => {
  it('lists existing test files, each once', () => {
    const all = [...UNIT_TESTS, ...UNIT_ISOLATED_TESTS];
    expect(all.filter((f) => !existsSync(join(ROOT, f)) || !f.endsWith('.test.ts'))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('npm test lints, builds and runs every tier, CI runs npm test, test:unit runs the unit projects only', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test']).toBe('npm run lint && npm run build && vitest run');
    // The format check and the linter over the project's own sources (biome.jsonc), then the type check
    // of the sources with the tests (the build compiles src/ only; vitest strips types unchecked).
    expect(scripts['lint']).toBe('biome check --error-on-warnings . && npm run typecheck');
    expect(scripts['typecheck']).toBe('tsc -p tsconfig.test.json');
    expect(scripts['test:unit']).toBe('vitest run --project unit --project unit-isolated');
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('refuses a process, a server and a connection inside the unit tier (this file is in it)', () => {
    const state = (globalThis as Record<symbol, { attempts: string[] } | undefined>)[Symbol.for('create-graceful-shutdown.unit-guard')];
    expect(state, 'the unit guard is installed').toBeDefined();
    expect(() => spawnSync('true')).toThrow(UNIT_GUARD_MESSAGE);
    expect(() => execFileSync('node', ['--version'])).toThrow(UNIT_GUARD_MESSAGE);
    expect(() => createServer().listen(0)).toThrow(UNIT_GUARD_MESSAGE);
    expect(() => fetch('http://127.0.0.1:9/')).toThrow(UNIT_GUARD_MESSAGE);
    expect(state!.attempts).toEqual(['child_process.spawnSync', 'child_process.execFileSync', 'server.listen', 'fetch']);
    // These were on purpose: the file's own after-hook must not report them.
    state!.attempts.length = 0;
  });
});
