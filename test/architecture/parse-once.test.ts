/**
 * Each Dockerfile, compose file and Kubernetes manifest text is parsed once for a whole run: every
 * fixture repo is detected and planned as `--yes` would while core/parse-count.ts counts the parses per (format, text). Two readers of one text each
 * parsing it, or a generator running an edit to learn a fact, show up as a count of 2. The second half
 * holds the rule that makes the count complete: the raw parsers are imported only by the files that
 * cache their parse, so a parse elsewhere cannot hide from it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { detect } from '../../src/detect/index.js';
import { resolveAnswers } from '../../src/resolve-answers.js';
import { buildPlan } from '../../src/pipeline.js';
import { planReader } from '../../src/core/read.js';
import { countParses } from '../../src/core/parse-count.js';
import { parseStages } from '../../src/detect/dockerfile-stages.js';
import { cleanupCopies, copyRepo, REPOS, ROOT } from '../helpers/tree.js';

afterAll(cleanupCopies);

async function reparsed(dir: string): Promise<{ repeated: string[]; total: number }> {
  const { parses } = await countParses(async () => {
    const facts = detect(dir);
    const answers = await resolveAnswers(facts, {}, null, null);
    return buildPlan(facts, answers, planReader(facts.root));
  });
  const repeated = [...parses].filter(([, n]) => n > 1).map(([key, n]) => `${n}x ${key.replace('\u0000', ': ').slice(0, 160)}`);
  return { repeated, total: [...parses.values()].reduce((a, b) => a + b, 0) };
}

const repos = readdirSync(REPOS).sort();
let parsesSeen = 0;

describe('each container file text is parsed once per run', () => {
  // The first run only: it parses both the repo's texts and the edited ones (a part reads what an
  // earlier part's edit made); planning every repo a second time would cost the unit tier 5 s more.
  it.each(repos)('%s', async (name) => {
    const first = await reparsed(copyRepo(name)).catch(() => null);
    if (first === null) return; // a repo the tool refuses: test/cli covers its message
    expect(first.repeated).toEqual([]);
    parsesSeen += first.total;
  });

  it('the count is real: the fixtures parsed container files, and a parse of a new text is seen', async () => {
    expect(parsesSeen).toBeGreaterThan(20);
    const { parses } = await countParses(() => {
      parseStages('FROM node:22\nCMD ["node", "a.js"]\n');
      parseStages('FROM node:22\nCMD ["node", "a.js"]\n');
    });
    expect([...parses.values()]).toEqual([1]);
  });
});

/** Files that may call a raw parser, each caching per text; anything else must ask them. */
const PARSER_HOMES: Record<string, readonly string[]> = {
  'dockerfile-ast': ['src/detect/dockerfile-stages.ts'],
  yaml: [
    'src/detect/compose-file.ts',
    'src/detect/k8s-file.ts',
    'src/detect/yaml-values.ts',
    // kustomization `patches:` read once during detection to find the patch files (not a container file).
    'src/detect/container.ts',
  ],
};
const RAW_PARSERS = /\b(DockerfileParser|parseAllDocuments|parseDocument|parse)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Value imports of a raw parser: `import { parse } from 'yaml'` (type-only imports parse nothing). */
function rawParserImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(yaml|dockerfile-ast)'/g)) {
    if (m[1]) continue;
    const names = m[2]!.split(',').map((n) => n.trim());
    if (names.some((n) => !n.startsWith('type ') && RAW_PARSERS.test(n))) out.push(m[3]!);
  }
  for (const m of text.matchAll(/import\s+(\*\s+as\s+\w+|\w+)\s+from\s+'(yaml|dockerfile-ast)'/g)) out.push(m[2]!);
  return out;
}

describe('the raw parsers are called only where their parse is cached', () => {
  it('no other file of src/ imports DockerfileParser or a yaml parse function', () => {
    const found: string[] = [];
    for (const abs of sourceFiles(join(ROOT, 'src'))) {
      const file = relative(ROOT, abs).split('\\').join('/');
      for (const module of rawParserImports(readFileSync(abs, 'utf8'))) {
        if (!PARSER_HOMES[module]!.includes(file)) found.push(`${file} imports a ${module} parser`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the rule sees a parser import, and not a type-only one', () => {
    expect(rawParserImports("import { DockerfileParser } from 'dockerfile-ast';")).toEqual(['dockerfile-ast']);
    expect(rawParserImports("import { isMap, parse as parseYaml } from 'yaml';")).toEqual(['yaml']);
    expect(rawParserImports("import * as YAML from 'yaml';")).toEqual(['yaml']);
    expect(rawParserImports("import type { Document } from 'yaml';\nimport { isMap, type Node } from 'yaml';")).toEqual([]);
  });
});
