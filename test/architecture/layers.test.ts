/**
 * The layer rule of src/ (see ./layers.ts), checked on the real tree, with the known breaks listed one
 * by one, each with why it is still there. A break not listed fails; a listed break that is gone fails
 * too, so the list only shrinks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers, formatViolation, importsOf, outputUsesOf, type SourceFile } from './layers.js';

const ROOT = join(import.meta.dirname, '../..');

function srcFiles(): SourceFile[] {
  return (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
    .map((p) => p.split('\\').join('/'))
    .filter((p) => /\.(m|c)?tsx?$/.test(p))
    .sort()
    .map((p) => ({ path: `src/${p}`, text: readFileSync(join(ROOT, 'src', p), 'utf8') }));
}

/** Known breaks: `rule: file -> target`, and why each one stays for now. */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  // None left: every break this list held was mended (s20 session). Add one only with its why.
]);

describe('layer rule of src/', () => {
  it('no import goes up a layer or across generators, and only src/cli prints, prompts or exits (listed exceptions aside)', () => {
    const found = checkLayers(srcFiles()).map(formatViolation).sort();
    const unexpected = found.filter((v) => !EXCEPTIONS.has(v));
    const stale = [...EXCEPTIONS.keys()].filter((k) => !found.includes(k));
    expect({ unexpected, stale }).toEqual({ unexpected: [], stale: [] });
  });
});

describe('the checker can fail', () => {
  const files = (extra: SourceFile): SourceFile[] => [
    { path: 'src/core/plan.ts', text: 'export const x = 1;\n' },
    { path: 'src/detect/facts.ts', text: "import { x } from '../core/plan.js';\nexport type F = { x: typeof x };\n" },
    { path: 'src/generators/types.ts', text: 'export interface ArtifactGenerator { name: string }\n' },
    {
      path: 'src/generators/a.ts',
      text: "import type { ArtifactGenerator } from './types.js';\nexport const aGenerator: ArtifactGenerator = { name: 'a' };\n",
    },
    { path: 'src/generators/index.ts', text: "import { aGenerator } from './a.js';\nexport const ALL = [aGenerator];\n" },
    extra,
  ];
  const rules = (extra: SourceFile): string[] => checkLayers(files(extra)).map(formatViolation);

  it('accepts imports that go down', () => {
    expect(
      rules({ path: 'src/edits/x.ts', text: "import type { F } from '../detect/facts.js';\nimport { x } from '../core/plan.js';\n" }),
    ).toEqual([]);
  });

  it('flags an import up a layer, a type-only one and a dynamic one too', () => {
    expect(rules({ path: 'src/core/bad.ts', text: "import type { F } from '../detect/facts.js';\n" })).toEqual([
      'up-a-layer: src/core/bad.ts -> src/detect/facts.ts',
    ]);
    expect(rules({ path: 'src/detect/bad.ts', text: "export const m = () => import('../generators/a.js');\n" })).toEqual([
      'up-a-layer: src/detect/bad.ts -> src/generators/a.ts',
    ]);
    expect(rules({ path: 'src/edits/bad.ts', text: "export { ALL } from '../generators/index.js';\n" })).toEqual([
      'up-a-layer: src/edits/bad.ts -> src/generators/index.ts',
    ]);
  });

  it('flags an import between layers of one tier', () => {
    expect(rules({ path: 'src/upgrade/bad.ts', text: "import { ALL } from '../generators/index.js';\n" })).toEqual([
      'across-layers: src/upgrade/bad.ts -> src/generators/index.ts',
    ]);
  });

  it('flags a generator importing another generator, not the registry or a helper doing so', () => {
    const b = {
      path: 'src/generators/b.ts',
      text: "import type { ArtifactGenerator } from './types.js';\nimport { aGenerator } from './a.js';\nexport const bGenerator: ArtifactGenerator = aGenerator;\n",
    };
    expect(rules(b)).toEqual(['across-generators: src/generators/b.ts -> src/generators/a.ts']);
    const helper = { path: 'src/generators/helper.ts', text: "import { aGenerator } from './a.js';\nexport const n = aGenerator.name;\n" };
    expect(rules(helper)).toEqual(['across-generators: src/generators/helper.ts -> src/generators/a.ts']);
  });

  it('keeps the runtime standalone: no package, no import into it or out of it', () => {
    expect(
      rules({
        path: 'src/runtime/x.ts',
        text: "import type { Socket } from 'node:net';\nimport { x } from '../core/plan.js';\nimport y from 'yaml';\n",
      }),
    ).toEqual(['runtime-standalone: src/runtime/x.ts -> src/core/plan.ts', 'runtime-standalone: src/runtime/x.ts -> yaml']);
    expect(rules({ path: 'src/cli/x.ts', text: "import '../runtime/shutdown.js';\n" })).toEqual([
      'runtime-standalone: src/cli/x.ts -> src/runtime/shutdown.ts',
    ]);
  });

  it('flags a file of src/ that belongs to no layer', () => {
    expect(rules({ path: 'src/tools/run.ts', text: 'export {};\n' })).toEqual(['no-layer: src/tools/run.ts -> src/tools/run.ts']);
  });

  it('flags printing, prompting and exiting outside src/cli, and allows them in src/cli', () => {
    const bad = [
      'console.log("x");',
      'process.exit(1);',
      'process.exitCode = 2;',
      'process.stderr.write("x");',
      "process['stdout'].write('x');",
      'const { exit } = process; exit(0);',
      "import prompts from 'prompts';",
      "import { createInterface } from 'node:readline';",
    ];
    for (const line of bad) {
      expect(rules({ path: 'src/edits/x.ts', text: `${line}\n` }), line).toHaveLength(1);
      expect(rules({ path: 'src/cli/x.ts', text: `${line}\n` }), line).toEqual([]);
    }
    // Words in strings and comments are not calls.
    expect(rules({ path: 'src/edits/x.ts', text: "// console.log\nconst s = 'process.exit(1)';\n" })).toEqual([]);
  });

  it('flags disk, process and network modules in the in-memory layers, not in detect or core', () => {
    expect(rules({ path: 'src/edits/x.ts', text: "import { readFileSync } from 'node:fs';\n" })).toEqual([
      'io-in-memory-layer: src/edits/x.ts -> node:fs',
    ]);
    expect(rules({ path: 'src/generators/x.ts', text: "import { spawn } from 'child_process';\n" })).toEqual([
      'io-in-memory-layer: src/generators/x.ts -> child_process',
    ]);
    expect(rules({ path: 'src/detect/x.ts', text: "import { readFileSync } from 'node:fs';\n" })).toEqual([]);
    expect(rules({ path: 'src/core/x.ts', text: "import { writeFileSync } from 'node:fs';\n" })).toEqual([]);
  });

  it('reads require() and import = require()', () => {
    const refs = importsOf({
      path: 'src/x.ts',
      text: "import fs = require('fs');\nconst y = require('./y.js');\ntype T = import('./t.js').T;\n",
    }).map((r) => r.specifier);
    expect(refs).toEqual(['fs', './y.js', './t.js']);
    expect(outputUsesOf({ path: 'src/x.ts', text: 'globalThis.process;\n' })).toEqual([]);
  });
});
