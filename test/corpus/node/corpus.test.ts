/**
 * Do no harm, measured: each repo of test/corpus/node/repos is built, started the way its launcher
 * does, loaded with 300 idle keep-alive connections and 20 in-flight ~1 s requests whose clients keep
 * the connection open, and sent SIGTERM; BEFORE as it is, AFTER `create-graceful-shutdown --yes` on a
 * fresh copy. Needs `npm run build` first (the CLI runs from dist/).
 *
 * CORPUS_ONLY=name,name runs a subset (by hand); CORPUS_RESULTS=<file.json> keeps the raw figures.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, beforeAfter, cleanupTemps, listCorpus, pool, summaryLine, verdict, type RepoResult } from './harness.js';

const only = process.env['CORPUS_ONLY']?.split(',').filter(Boolean);
const corpus = listCorpus().filter((s) => !only || only.includes(s.name));
const results = new Map<string, RepoResult>();
let wallMs = 0;

describe('Node corpus: before and after the tool', () => {
  beforeAll(async () => {
    if (!existsSync(join(PACKAGE_ROOT, 'dist')))
      throw new Error(`${PACKAGE_ROOT}/dist is missing: run \`npm run build\` first (the CLI runs from dist/)`);
    const t0 = performance.now();
    await pool(corpus, 2, async (spec) => {
      let r: RepoResult;
      try {
        r = await beforeAfter(spec);
      } catch (e) {
        r = {
          spec,
          buildBefore: null,
          before: null,
          cli: { code: null, output: '', ms: 0 },
          wired: false,
          changed: [],
          buildAfter: null,
          after: null,
          error: (e as Error).stack ?? String(e),
        };
      }
      results.set(spec.name, r);
      console.log(summaryLine(r));
    });
    wallMs = Math.round(performance.now() - t0);
  }, 3_600_000);

  afterAll(() => {
    const lines = corpus.map((s) => results.get(s.name)).filter((r): r is RepoResult => r !== undefined);
    console.log(
      [
        `Node corpus: ${lines.length} repos, 2 at a time, ${(wallMs / 1000).toFixed(1)} s`,
        ...lines.map((r) => {
          const f = verdict(r);
          return `${f.length ? 'FAIL' : 'ok  '} ${summaryLine(r)}${f
            .map(
              (x) =>
                `\n       - ${x
                  .split('\n')
                  .filter((l) => l.trim())
                  .slice(0, 1)
                  .join('')}${x.includes('\n') ? ` | ${x.trim().split('\n').at(-1)}` : ''}`,
            )
            .join('')}`;
        }),
      ].join('\n'),
    );
    const file = process.env['CORPUS_RESULTS'];
    if (file) {
      writeFileSync(
        file,
        JSON.stringify(
          {
            wallMs,
            repos: lines.map((r) => ({
              name: r.spec.name,
              summary: summaryLine(r),
              failures: verdict(r),
              wired: r.wired,
              changed: r.changed,
              cli: r.cli,
              buildBefore: r.buildBefore,
              buildAfter: r.buildAfter,
              before: r.before,
              after: r.after,
            })),
          },
          null,
          2,
        ),
      );
    }
    cleanupTemps();
  });

  it('holds at least 15 repos, each describing its build, launcher, port variable and slow path', () => {
    if (!only) expect(corpus.length).toBeGreaterThanOrEqual(15);
    for (const s of corpus) {
      expect(s.shape, s.name).toBeTruthy();
      expect(s.readFrom, s.name).toMatch(/github:/);
      expect(['script', 'dockerfile'], s.name).toContain(s.launcher.from);
      expect(s.portEnv, s.name).toBeTruthy();
      expect(s.slowPath, s.name).toMatch(/^\//);
    }
  });

  it.each(corpus.map((s) => s.name))('%s: builds, answers and stops at least as well after the tool', (name) => {
    const r = results.get(name);
    expect(r, `${name} was not measured`).toBeDefined();
    const failures = verdict(r!);
    expect(failures, `${summaryLine(r!)}\n  - ${failures.join('\n  - ')}`).toEqual([]);
  });
});
