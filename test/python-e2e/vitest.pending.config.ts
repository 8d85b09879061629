/**
 * Runs the Python end-to-end tests that are known to fail with the CLI as it is (*.pending.ts,
 * outside the committed suite): `npx vitest run -c test/python-e2e/vitest.pending.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/python-e2e/*.pending.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
