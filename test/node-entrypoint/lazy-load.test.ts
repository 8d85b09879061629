/**
 * ts-morph costs ~250 ms to load: importing the generator (as the CLI does for --help) must not
 * load it; wiring an entrypoint must. Own file, so this worker has not loaded it for another test.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\/]node_modules[\\/]ts-morph[\\/]/.test(k));

describe('ts-morph loading', () => {
  it('is deferred until an entrypoint is wired', async () => {
    expect(loaded()).toBe(false);
    const { nodeEntrypointGenerator } = await import('../../src/generators/node-entrypoint.js');
    const { wireNodeEntrypoint } = await import('../../src/edits/node-entrypoint/wire.js');
    expect(typeof nodeEntrypointGenerator.actions).toBe('function');
    expect(loaded()).toBe(false);
    const result = wireNodeEntrypoint(`const app = require('express')();\napp.listen(1);\n`, {
      fileName: 'a.js',
      moduleSystem: 'cjs',
      specifier: './shutdown',
    });
    expect(typeof result.text).toBe('string');
    expect(loaded()).toBe(true);
  });
});
