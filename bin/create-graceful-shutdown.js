#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built from src/ by `npm run build`). A run loads it as one bundled
// file, dist/bundle/cli.cjs (scripts/bundle-cli.mjs), kept compiled between runs; --help and --version run a
// sliver of it and load a small bundle of the command layer instead (dist/bundle/info.mjs). Either falls
// back to tsc's modules (dist/cli/main.js: the same code, unbundled) when its bundle is missing or older than
// them (a build that skipped the bundle step must never run stale code).
import module, { createRequire } from 'node:module';
import { statSync } from 'node:fs';

const mtime = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};
const tscBuilt = mtime('../dist/cli/main.js');
const fresh = (bundle) => tscBuilt !== -1 && mtime(bundle) >= tscBuilt;
const info = process.argv.slice(2).some((a) => /^(-h|--help|-v|--version)$/.test(a));
const bundled = !info && fresh('../dist/bundle/cli.cjs');

if (bundled) {
  // Node >= 22.1 keeps the compiled code of every module loaded from here on (the CLI, ts-morph) between
  // runs, in the OS temp dir (its default, or NODE_COMPILE_CACHE), never in the user's repository; it skips
  // caching by itself when the dir cannot be written, and NODE_DISABLE_COMPILE_CACHE turns it off. Before
  // 22.1 there is no such API: the CLI keeps its own V8 code cache of the bundle and of ts-morph
  // (dist/cli/code-cache.js, the same rules). Hence the dynamic loads: a static import would load the CLI
  // before the cache is on.
  let nodeCache = false;
  try {
    nodeCache = typeof module.enableCompileCache === 'function';
    module.enableCompileCache?.();
  } catch {
    // A cache that cannot start costs speed, never the run.
  }
  if (!nodeCache) (await import('../dist/cli/code-cache.js')).enableCodeCache();
}
const { cli } = bundled
  ? createRequire(import.meta.url)('../dist/bundle/cli.cjs')
  : await import(info && fresh('../dist/bundle/info.mjs') ? '../dist/bundle/info.mjs' : '../dist/cli/main.js');

await cli();
