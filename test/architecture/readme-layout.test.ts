/**
 * README's layout section names every folder of src/ (subfolders too) and every layer of the layer
 * rule, so a new folder cannot land without a line saying what it is.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './layers.js';

const ROOT = join(import.meta.dirname, '../..');

function layoutSection(readme: string): string {
  const start = readme.indexOf('\nLayout');
  const end = readme.indexOf('\nThen `templates/`', start);
  expect(start, 'README has a paragraph starting "Layout"').toBeGreaterThan(-1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe("README's layout section", () => {
  const section = layoutSection(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const named = new Set([...section.matchAll(/`(src\/[^`]+)`/g)].map((m) => m[1]!.replace(/\/$/, '')));

  it('names every folder of src/', () => {
    const folders = readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map(
        (e) =>
          `${join(e.parentPath, e.name)
            .slice(ROOT.length + 1)
            .split('\\')
            .join('/')}`,
      )
      .sort();
    expect(folders.length).toBeGreaterThan(5);
    expect(folders.filter((f) => !named.has(f))).toEqual([]);
  });

  it('names every layer of the layer rule', () => {
    expect(LAYERS.map((l) => l.path.replace(/\/$/, '')).filter((p) => !named.has(p))).toEqual([]);
  });
});
