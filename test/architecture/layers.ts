/**
 * The layer rule of src/, as data plus a checker that works on file texts (so a unit test can feed it
 * a bad import). TypeScript's own parser reads every import, re-export, `import()` and `require()`.
 *
 * Tiers, lowest first; a file may import its own layer or a layer of a lower tier, never a higher
 * tier and never another layer of its own tier:
 *   0 answers.ts       the answers type every layer shares
 *   1 core             plan, apply, paths, errors, render: knows nothing of repos
 *   2 detect           reads the repo once into one typed facts object
 *   3 edits            pure edits of existing files (may use the facts types)
 *   4 generators, upgrade, verify, questions.ts
 *   5 pipeline.ts      runs the generators into a plan; resolve-answers.ts
 *   6 engine           one run for both front ends: detect, answers, plan, reconcile, manifest, guard, apply
 *   7 cli, plop-pack.ts  the two front ends
 * src/runtime is the generated module's own source: it imports only itself and node builtins (it must
 * add no dependency to the user's project), and nothing imports it (generators read it as text).
 *
 * Inside generators, a generator (a file exporting an `ArtifactGenerator`) is a unit: no file of
 * generators/ may import a generator file except the registry (index.ts). Shared code lives in
 * helper files.
 *
 * Output and exit: only src/cli (and src/runtime, which is the user's code) may call process.exit,
 * set process.exitCode, use console.*, process.stdout/stderr/stdin, or load a prompt library.
 *
 * In memory: edits are pure functions of the source and generators plan in memory, so neither (nor
 * answers, questions, pipeline) loads a module that touches the disk, processes or the network;
 * detect reads the repo, core applies the plan, upgrade asks git, verify runs the app.
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
// ts-morph's TypeScript: the unit tier has it loaded already (one module registry per worker).
import { ts } from 'ts-morph';

export interface Layer {
  name: string;
  /** null: standalone (imports only itself, imported by nobody). */
  tier: number | null;
  /** A folder (ending in '/') or one file, relative to the repo root. */
  path: string;
}

export const LAYERS: readonly Layer[] = [
  { name: 'runtime', tier: null, path: 'src/runtime/' },
  { name: 'answers', tier: 0, path: 'src/answers.ts' },
  { name: 'core', tier: 1, path: 'src/core/' },
  { name: 'detect', tier: 2, path: 'src/detect/' },
  { name: 'edits', tier: 3, path: 'src/edits/' },
  { name: 'generators', tier: 4, path: 'src/generators/' },
  { name: 'upgrade', tier: 4, path: 'src/upgrade/' },
  { name: 'verify', tier: 4, path: 'src/verify/' },
  { name: 'questions', tier: 4, path: 'src/questions.ts' },
  { name: 'pipeline', tier: 5, path: 'src/pipeline.ts' },
  { name: 'resolve-answers', tier: 5, path: 'src/resolve-answers.ts' },
  { name: 'engine', tier: 6, path: 'src/engine/' },
  { name: 'cli', tier: 7, path: 'src/cli/' },
  { name: 'plop-pack', tier: 7, path: 'src/plop-pack.ts' },
];

/** Layers whose files may print, prompt and exit. */
const OUTPUT_LAYERS = new Set(['cli', 'runtime']);
const GENERATOR_REGISTRY = 'src/generators/index.ts';
/** Layers that work in memory only. */
const IN_MEMORY_LAYERS = new Set(['answers', 'edits', 'generators', 'questions', 'pipeline', 'resolve-answers']);
const IO_MODULES = new Set([
  ...['fs', 'fs/promises', 'child_process', 'worker_threads', 'cluster', 'os'],
  ...['net', 'http', 'https', 'http2', 'dgram', 'tls'],
]);
const PROMPT_MODULES = new Set(['prompts', 'readline', 'readline/promises', 'inquirer', '@inquirer/prompts', 'enquirer']);

export interface SourceFile {
  /** Repo-relative, forward slashes, e.g. 'src/core/plan.ts'. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  /** The imported file (repo-relative) or module, or the forbidden expression. */
  target: string;
  rule:
    | 'up-a-layer'
    | 'across-layers'
    | 'across-generators'
    | 'runtime-standalone'
    | 'no-layer'
    | 'output-outside-cli'
    | 'io-in-memory-layer';
}

export function layerOf(path: string): Layer | null {
  return LAYERS.find((l) => (l.path.endsWith('/') ? path.startsWith(l.path) : path === l.path)) ?? null;
}

const parsed = new WeakMap<SourceFile, ts.SourceFile>();
function parse(file: SourceFile): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) {
    // No parent pointers: faster, and every walk here goes down from the root.
    sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    parsed.set(file, sf);
  }
  return sf;
}

export interface ImportRef {
  specifier: string;
  line: number;
}

/** Every module a file loads: static imports and re-exports (type-only too), `import()`, `require()`, `import x = require()`. */
export function importsOf(file: SourceFile): ImportRef[] {
  const sf = parse(file);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined): void => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    out.push({ specifier: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      if (loads) add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The output, exit and prompt expressions a file uses: `process.exit`, `console.log`, `process.stdout`, ... */
export function outputUsesOf(file: SourceFile): string[] {
  const sf = parse(file);
  const out: string[] = [];
  const PROCESS_MEMBERS = new Set(['exit', 'exitCode', 'stdout', 'stderr', 'stdin', 'abort', 'reallyExit']);
  const memberName = (node: ts.Node): string | null => {
    if (ts.isPropertyAccessExpression(node)) return node.name.text;
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
    return null;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const obj = node.expression;
      const name = memberName(node);
      if (ts.isIdentifier(obj) && name !== null) {
        if (obj.text === 'console') out.push(`console.${name}`);
        if ((obj.text === 'process' || obj.text === 'globalThis') && PROCESS_MEMBERS.has(name)) out.push(`process.${name}`);
      }
    }
    // `const { exit } = process`, `const { log } = console`
    if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && ts.isIdentifier(node.initializer)) {
      const from = node.initializer.text;
      for (const el of node.name.elements) {
        const named = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName : el.name;
        const key = ts.isIdentifier(named) ? named.text : '';
        if (from === 'console' || (from === 'process' && PROCESS_MEMBERS.has(key))) out.push(`${from}.${key}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const ref of importsOf(file)) {
    const bare = ref.specifier.replace(/^node:/, '');
    if (PROMPT_MODULES.has(bare)) out.push(`import '${ref.specifier}'`);
  }
  return out;
}

/** The repo path a relative specifier names ('./plan.js' from src/core/apply.ts → src/core/plan.ts), or null for a package. */
export function resolveRelative(from: string, specifier: string, exists: (path: string) => boolean): string | null {
  if (!specifier.startsWith('.')) return null;
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [joined.replace(/\.(m|c)?js$/, '.$1ts'), joined, `${joined}.ts`, `${joined}/index.ts`];
  return candidates.find(exists) ?? candidates[0]!;
}

function isGeneratorFile(file: SourceFile): boolean {
  return file.path.startsWith('src/generators/') && /export\s+const\s+\w+\s*:\s*ArtifactGenerator\b/.test(file.text);
}

const BUILTINS = new Set(builtinModules);
function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** Every break of the layer rule in these files. */
export function checkLayers(files: readonly SourceFile[]): Violation[] {
  const paths = new Set(files.map((f) => f.path));
  const generatorFiles = new Set(files.filter(isGeneratorFile).map((f) => f.path));
  const out: Violation[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === null) {
      out.push({ file: file.path, target: file.path, rule: 'no-layer' });
      continue;
    }
    for (const ref of importsOf(file)) {
      const target = resolveRelative(file.path, ref.specifier, (p) => paths.has(p));
      if (target === null) {
        if (IN_MEMORY_LAYERS.has(from.name) && IO_MODULES.has(ref.specifier.replace(/^node:/, ''))) {
          out.push({ file: file.path, target: ref.specifier, rule: 'io-in-memory-layer' });
        }
        const packageInRuntime = from.tier === null && !isBuiltin(ref.specifier);
        if (packageInRuntime) out.push({ file: file.path, target: ref.specifier, rule: 'runtime-standalone' });
        continue;
      }
      const to = layerOf(target);
      if (to === null) {
        out.push({ file: file.path, target, rule: 'no-layer' });
        continue;
      }
      if (to.name === from.name) {
        if (from.name === 'generators' && generatorFiles.has(target) && file.path !== GENERATOR_REGISTRY && target !== file.path) {
          out.push({ file: file.path, target, rule: 'across-generators' });
        }
        continue;
      }
      if (from.tier === null || to.tier === null) out.push({ file: file.path, target, rule: 'runtime-standalone' });
      else if (to.tier > from.tier) out.push({ file: file.path, target, rule: 'up-a-layer' });
      else if (to.tier === from.tier) out.push({ file: file.path, target, rule: 'across-layers' });
    }
    if (!OUTPUT_LAYERS.has(from.name)) {
      for (const use of new Set(outputUsesOf(file))) out.push({ file: file.path, target: use, rule: 'output-outside-cli' });
    }
  }
  return out;
}

export function formatViolation(v: Violation): string {
  return `${v.rule}: ${v.file} -> ${v.target}`;
}
