import { defineConfig } from 'vitest/config';
import { UNIT_ISOLATED_TESTS, UNIT_TESTS } from './test/tiers.js';

// Two tiers (test/tiers.ts): unit is in-process work only, guarded by test/unit-guard.ts
// (`npm run test:unit`: projects unit and unit-isolated); e2e is the rest. `npm test` runs all three.
const unitFiles = [...UNIT_TESTS, ...UNIT_ISOLATED_TESTS];
const guard = ['test/unit-guard.ts'];

export default defineConfig({
  test: {
    // Real servers and real signals: give process-level tests room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The global teardown removes the run's images: with vfs a removal costs as much I/O as the build
    // (one took over 120 s at load 15); with overlay a few seconds.
    teardownTimeout: 1_800_000,
    pool: 'forks',
    maxWorkers: 2,
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache), keyed by content: a
    // re-run skips the TypeScript transform of src/ and test/.
    experimental: { fsModuleCache: true },
    projects: [
      // One module registry per worker: ts-morph, TypeScript and the pipeline load once, not once per file.
      { extends: true, test: { name: 'unit', include: [...UNIT_TESTS], setupFiles: guard, isolate: false } },
      { extends: true, test: { name: 'unit-isolated', include: [...UNIT_ISOLATED_TESTS], setupFiles: guard } },
      // The images the image tests built are removed once every file has ended (test/images/podman.ts).
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: unitFiles, globalSetup: ['test/images/global-teardown.ts'] },
      },
    ],
  },
});
