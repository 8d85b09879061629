/**
 * The generated output of every fixture repo and variant, committed under snapshots/repos/.
 * A template change shows up here as a readable snapshot diff; `npm run snapshots:update` accepts it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { cleanupCopies, copyRepo, hashTree } from '../helpers/tree.js';

afterAll(cleanupCopies);

const FIXTURES = ['express-ts-esm', 'koa-ts-cjs', 'koa-ws-esm', 'fastify-cjs', 'node-http-cjs', 'tsx-start', 'workspace-npm', 'chained-start', 'mts-entry', 'cjs-in-esm', 'pnpm-workspace', 'nest-app'];

const VARIANTS: Record<string, string[]> = {
  default: [],
  'signal-5s-delay': ['--exit-code', 'signal', '--timeout', '5000', '--shutdown-delay', '2000'],
};

async function runInProcess(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main([dir, '--yes', ...args], { stdout: (s) => lines.push(s), stderr: (s) => lines.push(`stderr: ${s}`), interactive: false });
  return { code, out: lines.join('\n').replaceAll(dir, '<repo>') };
}

describe('generated output matches snapshots/repos', () => {
  for (const fixture of FIXTURES) {
    for (const [variant, args] of Object.entries(VARIANTS)) {
      it(`${fixture} (${variant})`, async () => {
        const dir = copyRepo(fixture);
        const before = hashTree(dir);
        const { code, out } = await runInProcess(dir, args);
        expect(code).toBe(0);
        const after = hashTree(dir);
        const changed = Object.keys(after).filter((p) => after[p] !== before[p]).sort();
        expect(changed.length).toBeGreaterThan(0);
        const base = join(import.meta.dirname, '..', '..', 'snapshots', 'repos', fixture, variant);
        await expect(out).toMatchFileSnapshot(join(base, 'cli-output.txt'));
        for (const p of changed) {
          await expect(readFileSync(join(dir, p), 'utf8')).toMatchFileSnapshot(join(base, 'files', p));
        }
      });
    }
  }
});
