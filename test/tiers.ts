/**
 * The two test tiers. `unit`: in-process work only (no process started, nothing listening, no
 * connection, no build needed), run by `npm run test:unit` (projects `unit` and `unit-isolated`),
 * meant to stay under 30 s; test/unit-guard.ts makes a unit test that starts anything fail. `e2e`:
 * every other test file (real servers, CLI subprocesses, real signals, image builds). `npm test`
 * builds, then runs both. A new test file is e2e until listed here.
 */
// Left in e2e although in-process: test/python-entrypoint/syntax-check.test.ts parses the whole CPython
// standard library (10 s of the budget on a loaded machine).
export const UNIT_TESTS: readonly string[] = [
  'test/architecture/edit-contract.test.ts',
  'test/architecture/layers.test.ts',
  'test/architecture/parse-once.test.ts',
  'test/architecture/readme-layout.test.ts',
  'test/architecture/snapshots.test.ts',
  'test/architecture/tiers.test.ts',
  'test/container/chain.test.ts',
  'test/container/compose.test.ts',
  'test/container/created-dockerfiles.test.ts',
  'test/container/detect.test.ts',
  'test/container/dockerfile-property.test.ts',
  'test/container/dockerfile.test.ts',
  'test/container/generators.test.ts',
  'test/container/k8s-corpus.test.ts',
  'test/container/k8s.test.ts',
  'test/container/shell-words.test.ts',
  'test/container/stage-and-own-stop.test.ts',
  'test/detect/node-detect.test.ts',
  'test/detect/stage-facts.test.ts',
  'test/engine/engine.test.ts',
  'test/engine/generator-order.test.ts',
  'test/engine/plan-scope.test.ts',
  'test/devserver/detect.test.ts',
  'test/devserver/generator.test.ts',
  'test/devserver/vite-config.test.ts',
  'test/node-entrypoint/generator.test.ts',
  'test/node-entrypoint/import-specifier.test.ts',
  'test/node-entrypoint/process.test.ts',
  'test/node-entrypoint/start-script.test.ts',
  'test/node-module/detect.test.ts',
  'test/python-detect/copy-files.test.ts',
  'test/python-detect/detect-python-apps.test.ts',
  'test/python-detect/parse-command.test.ts',
  'test/python-detect/what-is-an-app.test.ts',
  'test/python-entrypoint/wire-refusals.test.ts',
  'test/python-module/generator.test.ts',
  'test/snapshots/repos.test.ts',
  'test/upgrade/manifest.test.ts',
  'test/upgrade/merge.test.ts',
  'test/upgrade/reconcile.test.ts',
  'test/verify/launch.test.ts',
];

/**
 * Unit tests that need a module registry of their own (the unit tier shares one per worker, which
 * halves its time): lazy-load checks that ts-morph is not loaded until an entrypoint is wired.
 */
export const UNIT_ISOLATED_TESTS: readonly string[] = ['test/node-entrypoint/lazy-load.test.ts'];
