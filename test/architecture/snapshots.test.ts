/**
 * snapshots/ stays reviewable: under 8,000 lines in all, and no text of more than a few lines committed
 * twice (test/snapshots/repos.test.ts indexes repeated texts, test/helpers/flavour-snapshot.ts keeps
 * near-identical flavours as diffs).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SNAPSHOTS = join(import.meta.dirname, '../../snapshots');
const MAX_LINES = 8_000;
/** Short expected outputs may repeat (two inputs that end in the same 7-line Dockerfile are two facts). */
const MAX_REPEATED_LINES = 10;

/** Repeated texts kept on purpose: snapshot paths, and why. */
const REPEATS_KEPT: ReadonlyMap<string, string> = new Map([
  // test/container/generators.test.ts proves the Dockerfile created for a TypeScript app with a build
  // script; the framework (fastify there, express in the repo fixture) does not enter the Dockerfile.
  ['repos/container-node-ts-nodocker/Dockerfile', 'same text as repos/express-ts-esm/default/files/Dockerfile'],
]);

function files(): { path: string; text: string }[] {
  return readdirSync(SNAPSHOTS, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((abs) => ({
      path: abs
        .slice(SNAPSHOTS.length + 1)
        .split('\\')
        .join('/'),
      text: readFileSync(abs, 'utf8'),
    }));
}

const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

describe('snapshots/', () => {
  const all = files();

  it(`holds under ${MAX_LINES} lines`, () => {
    const total = all.reduce((n, f) => n + lineCount(f.text), 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(MAX_LINES);
  });

  it(`commits no text of more than ${MAX_REPEATED_LINES} lines twice`, () => {
    const first = new Map<string, string>();
    const repeats: string[] = [];
    for (const f of all) {
      if (lineCount(f.text) <= MAX_REPEATED_LINES) continue;
      const earlier = first.get(f.text);
      if (earlier === undefined) first.set(f.text, f.path);
      else if (!REPEATS_KEPT.has(f.path) && !REPEATS_KEPT.has(earlier)) repeats.push(`${f.path} = ${earlier}`);
    }
    expect(repeats).toEqual([]);
  });
});
