/**
 * Property: mutate fixture repos at random (truncate, insert, replace, delete, duplicate bytes,
 * or drop in a structural token: quotes, braces, BOM, NUL, CRLF, YAML anchors...) in package.json,
 * tsconfig, the entrypoint, Dockerfile, compose and k8s files, then run the built CLI in-process.
 * Invariant: either exit 0 and every file written parses (and no file that did not parse was
 * edited), or a non-zero exit, one stderr line, and nothing written. Never an internal error.
 *
 * CI: fixed seed, 50 runs. By hand: FUZZ_RUNS=5000 [FUZZ_SEED=n] npx vitest run test/reliability/fuzz.test.ts
 * (needs `npm run build` first: it runs dist/cli/main.js).
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, PACKAGE_ROOT } from './harness.js';
import { outputProblem } from './validate.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 50);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);

afterAll(cleanupTemps);

/** Fixture → the files worth mutating. */
const FIXTURES: Record<string, string[]> = {
  'fuzz-node-app': ['package.json', 'server.js', 'Dockerfile', 'docker-compose.yml'],
  'fuzz-ts-app': ['package.json', 'tsconfig.json', 'src/server.ts', 'Dockerfile', 'k8s/deployment.yaml'],
  'fuzz-python-app': ['requirements.txt', 'main.py', 'Dockerfile', 'docker-compose.yml'],
};

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ',',
  ':',
  '\n',
  '\r\n',
  '\t',
  '\uFEFF',
  '\0',
  '\\',
  '/*',
  '//',
  '#',
  '&a ',
  '*a',
  '<<: ',
  '- ',
  '---\n',
  '`',
  '${',
  'FROM ',
  'CMD ',
  '\u00e9',
  '\ud83d\ude80',
  '\udc00',
  'null',
  '1e999',
];

type Op = 'truncate' | 'insert' | 'replace' | 'delete' | 'duplicate' | 'token';

interface Mutation {
  file: number;
  op: Op;
  at: number;
  len: number;
  bytes: Uint8Array;
  token: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  file: fc.nat(),
  op: fc.constantFrom<Op>('truncate', 'insert', 'replace', 'delete', 'duplicate', 'token'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.integer({ min: 1, max: 40 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  token: fc.constantFrom(...TOKENS),
});

const FLAGS: string[][] = [
  [],
  ['--only', 'module,entrypoint'],
  ['--only', 'docker,compose,k8s'],
  ['--timeout', '100', '--exit-code', 'signal'],
  ['--dry-run'],
];

const caseArb = fc.record({
  fixture: fc.constantFrom(...Object.keys(FIXTURES)),
  mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  flags: fc.constantFrom(...FLAGS),
});

function mutate(buf: Buffer, m: Mutation): Buffer {
  const at = Math.floor(m.at * buf.length);
  const bytes = Buffer.from(m.bytes);
  switch (m.op) {
    case 'truncate':
      return buf.subarray(0, at);
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at)]);
    case 'replace':
      return Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at + bytes.length)]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + m.len)]);
    case 'duplicate':
      return Buffer.concat([buf.subarray(0, at + m.len), buf.subarray(at)]);
    case 'token':
      return Buffer.concat([buf.subarray(0, at), Buffer.from(m.token, 'utf8'), buf.subarray(at)]);
  }
}

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  interactive: boolean;
}
type Main = (argv: readonly string[], io: Io) => Promise<number>;

async function loadMain(): Promise<Main> {
  const built = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  return ((await import(built)) as { main: Main }).main;
}

/** Text of a file, or null when absent/not UTF-8 (the parser check then has no "before"). */
function textOf(abs: string): string | null {
  try {
    const buf = readFileSync(abs);
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}

describe('fuzz: mutated repos never crash the CLI or leave it half-written', () => {
  it(
    `${RUNS} runs, seed ${SEED}`,
    async () => {
      const main = await loadMain();
      await fc.assert(
        fc.asyncProperty(caseArb, async ({ fixture, mutations, flags }) => {
          const dir = fixtureCopy(fixture, 'fuzz');
          try {
            const files = FIXTURES[fixture] as string[];
            for (const m of mutations) {
              const rel = files[m.file % files.length] as string;
              const abs = join(dir, rel);
              writeFileSync(abs, mutate(readFileSync(abs), m));
            }
            const before = fingerprint(dir);
            const beforeText = new Map(Object.keys(before).map((p) => [p, textOf(join(dir, p))]));
            const out: string[] = [];
            const err: string[] = [];
            const code = await main([dir, '--yes', ...flags], {
              stdout: (s) => out.push(s),
              stderr: (s) => err.push(s),
              interactive: false,
            });
            const stderr = err.join('\n');
            expect(stderr, stderr).not.toMatch(/internal error/);
            const changed = changedPaths(before, fingerprint(dir)).filter((p) => !p.endsWith('/'));
            if (code !== 0) {
              expect(err, 'a failing run prints exactly one line').toHaveLength(1);
              expect(stderr).toMatch(/^create-graceful-shutdown: /);
              expect(changed, 'a failing run must write nothing').toEqual([]);
              return;
            }
            for (const p of changed) {
              expect(p).not.toMatch(/\.cgs-[\w-]+\.tmp$/);
              const was = beforeText.get(p) ?? null;
              const wasBroken = was !== null && outputProblem(p, was, was) !== null;
              expect(wasBroken, `${p} did not parse before, yet it was edited`).toBe(false);
              const now = textOf(join(dir, p));
              expect(now, `${p} was written as non-UTF-8`).not.toBeNull();
              expect(outputProblem(p, now as string, was), `${p} must parse after the run`).toBeNull();
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    Math.max(120_000, RUNS * 5_000),
  );
});
