/**
 * Every write resolves inside the root and never passes through a symlink: safeTarget on crafted
 * and random paths, and applyChanges / planReader against real links (to a file, to a directory,
 * out of the root, dangling, looping), with the link targets fingerprinted too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lstatSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { safeTarget } from '../../src/core/paths.js';
import { applyChanges } from '../../src/core/apply.js';
import { planReader } from '../../src/core/read.js';
import { UserError } from '../../src/core/errors.js';
import { changedPaths, cleanupTemps, fingerprint, tempDir } from './harness.js';

afterAll(cleanupTemps);

/** A repo with links of every kind, and a directory outside it they point into. */
function linkedRepo(): { root: string; outside: string } {
  const root = tempDir('paths');
  const outside = tempDir('paths-outside');
  writeFileSync(join(outside, 'secret.txt'), 'outside\n');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'server.ts'), 'export {};\n');
  symlinkSync(outside, join(root, 'out')); // dir link out of the root
  symlinkSync(join(outside, 'secret.txt'), join(root, 'secret.txt')); // file link out
  symlinkSync('src', join(root, 'alias')); // dir link inside the root
  symlinkSync('src/server.ts', join(root, 'server.ts')); // file link inside
  symlinkSync('nowhere/at/all', join(root, 'dangling'));
  symlinkSync('loop', join(root, 'loop'));
  return { root, outside };
}

function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('safeTarget', () => {
  const { root } = linkedRepo();

  it.each([
    ['', /not a path inside the repository/],
    ['/etc/passwd', /not a path inside the repository/],
    ['..', /resolves outside the repository/],
    ['../x', /resolves outside the repository/],
    ['src/../../x', /resolves outside the repository/],
    ['a\0b', /not a path inside the repository/],
    ['.', /resolves outside the repository/],
    ['out/new.ts', /refusing to write through the symlink 'out'/],
    ['out/../src/x.ts', /./], // normalised to src/x.ts: allowed, checked below
    ['secret.txt', /refusing to write through the symlink 'secret\.txt'/],
    ['alias/server.ts', /refusing to write through the symlink 'alias'/],
    ['server.ts', /refusing to write through the symlink 'server\.ts'/],
    ['dangling', /refusing to write through the symlink 'dangling'/],
    ['dangling/deeper/file', /refusing to write through the symlink 'dangling'/],
    ['loop', /refusing to write through the symlink 'loop'/],
    ['loop/x', /refusing to write through the symlink 'loop'/],
  ])('%j', (rel, message) => {
    if (rel === 'out/../src/x.ts') {
      expect(safeTarget(root, rel)).toBe(join(root, 'src', 'x.ts'));
      return;
    }
    expect(userErrorOf(() => safeTarget(root, rel)).message).toMatch(message);
  });

  it('accepts plain paths, new directories, spaces and unicode', () => {
    for (const rel of ['src/server.ts', 'src/new/deeper/file.ts', 'a b/c d.ts', 'ünï/🚀.js', '.github/workflows/ci.yml']) {
      expect(safeTarget(root, rel)).toBe(join(root, ...rel.split('/')));
    }
  });

  it('property: whatever the path, the result is inside the root and crosses no symlink', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'src', 'out', 'alias', 'dangling', 'loop', 'secret.txt', 'server.ts', 'x', '~', '\\', 'C:', '%2e%2e'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (parts, leadingSlash) => {
        const rel = (leadingSlash ? '/' : '') + parts.join('/');
        let abs: string;
        try {
          abs = safeTarget(root, rel);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          return;
        }
        const back = relative(root, abs);
        expect(back === '' || back.startsWith('..') || isAbsolute(back)).toBe(false);
        let cur = root;
        for (const part of back.split(sep)) {
          cur = join(cur, part);
          try {
            expect(lstatSync(cur).isSymbolicLink()).toBe(false);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') break;
            throw e;
          }
        }
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});

describe('applyChanges and planReader never go through a link', () => {
  it.each([
    ['out/shutdown.ts', null],
    ['secret.txt', 'outside\n'],
    ['alias/shutdown.ts', null],
    ['server.ts', 'export {};\n'],
    ['dangling', null],
  ])('a plan writing %s is refused as a whole: nothing written inside or outside', (path, before) => {
    const { root, outside } = linkedRepo();
    const inside = fingerprint(root);
    const out = fingerprint(outside);
    const changes = [
      { path: 'src/shutdown.ts', before: null, after: 'export {};\n', reason: 'module' },
      { path, before, after: 'pwned\n', reason: 'through a link' },
    ];
    expect(userErrorOf(() => applyChanges(root, changes)).message).toMatch(/refusing to write through the symlink/);
    expect(changedPaths(inside, fingerprint(root))).toEqual([]);
    expect(changedPaths(out, fingerprint(outside))).toEqual([]);
  });

  it('planReader refuses to read through a link out of the root', () => {
    const { root } = linkedRepo();
    const read = planReader(root);
    expect(userErrorOf(() => read('out/secret.txt')).message).toMatch(/symlink 'out'/);
    expect(userErrorOf(() => read('secret.txt')).message).toMatch(/symlink 'secret\.txt'/);
    expect(read('src/server.ts')).toBe('export {};\n');
    expect(read('src/absent.ts')).toBeNull();
  });

  it('a root that is itself reached through a symlink still works (the user chose it)', () => {
    const { root } = linkedRepo();
    const link = join(tempDir('paths-root-link'), 'repo');
    symlinkSync(root, link);
    applyChanges(link, [{ path: 'src/new.ts', before: null, after: 'export {};\n', reason: 'x' }]);
    expect(lstatSync(join(realpathSync(root), 'src', 'new.ts')).isFile()).toBe(true);
  });
});
