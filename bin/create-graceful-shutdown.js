#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built from src/ by `npm run build`).
import module from 'node:module';

// Node >= 22.1 keeps the compiled code of every module loaded from here on (the CLI, ts-morph, node-plop)
// between runs, in the OS temp dir (its default, or NODE_COMPILE_CACHE), never in the user's repository;
// it skips caching by itself when the dir cannot be written, and NODE_DISABLE_COMPILE_CACHE turns it off.
// Node 20 has no such API: nothing is cached there. Hence the dynamic import below: a static one would
// load the CLI before the cache is on.
try {
  module.enableCompileCache?.();
} catch {
  // A cache that cannot start costs speed, never the run.
}
const { cli } = await import('../dist/cli/main.js');

await cli();
