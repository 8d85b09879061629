// The CLI as one CommonJS file, dist/bundle/cli.cjs, built from tsc's output in dist/: a fresh process then
// reads one file instead of ~120 modules, and that file (unlike ES modules on Node 20) can be kept compiled
// between runs (src/cli/code-cache.ts; Node >= 22.1 caches it with its own compile cache). ts-morph, prompts
// and node-plop stay outside: loaded when needed, or (node-plop) never by the CLI. The bundle sits two levels
// below the package root like every dist/<dir>/<file>.js, so the paths the code derives from its own URL
// (templates/, dist/runtime/, package.json) are the same; bin/ falls back to dist/cli/main.js without it.
// A second, small bundle serves --help and --version (dist/bundle/info.mjs): the command layer's own few
// modules in one ES module, importing tsc's errors, run and verify modules (never reached from --help) so
// that an error class is the same class whichever file throws it.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const result = await build({
  entryPoints: [join(root, 'dist/cli/main.js')],
  outfile: join(root, 'dist/bundle/cli.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // ESM builds where a package has one (jsonc-parser's UMD build requires its parts by computed names).
  mainFields: ['module', 'main'],
  external: ['ts-morph', 'prompts', 'node-plop'],
  // import.meta.url is this file's URL, as it is for each module of dist/.
  define: { 'import.meta.url': '__cgsModuleUrl' },
  banner: { js: 'const __cgsModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
  metafile: true,
});
// The bundle runs as a CommonJS script (with a code cache on Node 20, through vm.Script): an import() left
// in it has no loader there and fails at run time, so a package must be loaded with require instead.
const dynamic = Object.values(result.metafile.outputs)
  .flatMap((o) => o.imports)
  .filter((i) => i.kind === 'dynamic-import');
if (dynamic.length > 0) {
  console.error(
    `bundle-cli: import() of ${dynamic.map((i) => i.path).join(', ')} left in the bundle; load it with createRequire(import.meta.url) instead`,
  );
  process.exit(1);
}

await build({
  entryPoints: [join(root, 'dist/cli/main.js')],
  outfile: join(root, 'dist/bundle/info.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [
    {
      name: 'tsc-modules',
      setup(b) {
        b.onResolve({ filter: /^\.\/(run|verify)\.js$/ }, (a) => ({ path: `../cli/${a.path.slice(2)}`, external: true }));
        b.onResolve({ filter: /\/core\/errors\.js$/ }, () => ({ path: '../core/errors.js', external: true }));
      },
    },
  ],
  logLevel: 'warning',
});
