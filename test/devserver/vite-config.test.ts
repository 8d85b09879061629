/**
 * Fixture triplets for the vite.config edit: test/fixtures/devserver/vite-config/<case>/ (input),
 * addGracefulShutdownPlugin (edit), snapshots/devserver/vite-config/<case>/ (expected). Each edit is
 * checked for idempotence and for touching no byte of the input (insertions only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffChars } from 'diff';
import { describe, expect, it } from 'vitest';
import { addGracefulShutdownPlugin, type ViteConfigEditOptions } from '../../src/edits/vite-config.js';
import { importSpecifier, moduleVariantFor } from '../../src/generators/devserver.js';
import { REPO } from './helpers.js';

const CASES = join(REPO, 'test/fixtures/devserver/vite-config');
const REFUSED = join(REPO, 'test/fixtures/devserver/vite-config-refused');

function caseInput(root: string, name: string): { file: string; source: string; options: ViteConfigEditOptions } {
  const file = readdirSync(join(root, name)).find((f) => f.startsWith('vite.config.'));
  if (!file) throw new Error(`no vite.config in ${name}`);
  const source = readFileSync(join(root, name, file), 'utf8');
  const esm = !/module\.exports/.test(source);
  // The same choice the generator makes for the module it writes beside the config.
  const variant = moduleVariantFor(file, esm, 'module');
  return { file, source, options: { file, importPath: importSpecifier(variant), moduleSystem: esm ? 'esm' : 'cjs' } };
}

const editable = readdirSync(CASES).filter((c) => c !== 'already-wired');

describe('vite.config edit', () => {
  it.each(editable)('%s', async (name) => {
    const { file, source, options } = caseInput(CASES, name);
    const result = addGracefulShutdownPlugin(source, options);
    expect(result.refused).toBeUndefined();
    const out = result.text;
    if (out === false) throw new Error('expected a change');
    await expect(out).toMatchFileSnapshot(`../../snapshots/devserver/vite-config/${name}/${file}`);

    expect(out).toContain(`${'gracefulShutdown'}()`);
    expect(out).toContain(options.importPath);
    // Insertions only: every byte of the input is still there, in order.
    expect(diffChars(source, out).filter((part) => part.removed)).toEqual([]);
    // Line endings follow the file.
    if (source.includes('\r\n')) expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    // Idempotent.
    expect(addGracefulShutdownPlugin(out, options)).toEqual({ text: false, notes: [] });
  });

  it('leaves a config that is already wired alone', () => {
    const { source, options } = caseInput(CASES, 'already-wired');
    expect(addGracefulShutdownPlugin(source, options)).toEqual({ text: false, notes: [] });
  });

  it.each(readdirSync(REFUSED))('refuses %s with the manual step (the generator names the file)', (name) => {
    const { source, options } = caseInput(REFUSED, name);
    const result = addGracefulShutdownPlugin(source, options);
    expect(result.text).toBe(false);
    expect(result.refused?.reason).toMatch(/^cannot add the graceful-shutdown Vite plugin automatically: .*by hand\.$/);
  });
});
