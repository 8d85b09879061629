/**
 * #15 items 6 and 7: every file the tool needs but cannot decode or parse is named in one line,
 * and --check fails on it. An entrypoint with one Latin-1 byte, in UTF-16, or with a NUL byte used
 * to read as "serves nothing" (Nothing to do, exit 0, --check green); a Python worker in Latin-1
 * gave "found no app" without its name; --check was green while the entrypoint held conflict
 * markers mid-merge.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, runCli, tempDir } from './harness.js';

afterAll(cleanupTemps);

const SERVER = 'const http = require("node:http");\n\nhttp.createServer((req, res) => res.end("ok\\n")).listen(3000);\n';

/** A Node app whose package.json does not say it serves traffic (no framework dependency): only the entry can. */
function plainApp(entry: Buffer): string {
  const dir = tempDir('undecodable');
  writeFileSync(join(dir, 'package.json'), '{\n  "name": "plain",\n  "scripts": { "start": "node server.js" }\n}\n');
  writeFileSync(join(dir, 'server.js'), entry);
  return dir;
}

const ENCODINGS: [string, Buffer, RegExp][] = [
  ['one Latin-1 byte', Buffer.from(`// café\n${SERVER}`, 'latin1'), /byte 0xE9 at offset 6 is not UTF-8/],
  ['UTF-16 with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SERVER, 'utf16le')]), /it is UTF-16/],
  ['a NUL byte', Buffer.from(`${SERVER}\0`), /it holds a NUL byte at offset \d+/],
];

describe('an entrypoint that is not UTF-8 text', () => {
  it.each(ENCODINGS)('%s: one line naming server.js, exit 1, nothing written; --check fails too', (_what, bytes, why) => {
    const dir = plainApp(bytes);
    const before = fingerprint(dir);
    for (const args of [
      [dir, '--yes'],
      [dir, '--check'],
      [dir, '--dry-run'],
    ]) {
      const r = runCli(args);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).not.toContain('Nothing to do');
      expect(r.stdout).not.toContain('Check: every generated file');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^create-graceful-shutdown: server\.js: cannot be read as UTF-8 text: /);
      expect(lines[0]).toMatch(why);
      expect(lines[0]).toMatch(/save it as UTF-8 and run again/);
    }
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('a Python worker in Latin-1: "found no app" names the file', () => {
    const dir = tempDir('undecodable-py');
    writeFileSync(join(dir, 'requirements.txt'), 'requests\n');
    writeFileSync(join(dir, 'worker.py'), Buffer.from('import time\n# café\nwhile True:\n    time.sleep(1)\n', 'latin1'));
    const r = runCli([dir, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /found no Node or Python app with an entrypoint .*; worker\.py cannot be read as UTF-8 text \(byte 0xE9 at offset 17 is not UTF-8.*\): save it as UTF-8/,
    );
  });
});

describe('--check fails when a file the tool edits does not parse', () => {
  it('conflict markers in the entrypoint mid-merge: --check exits 1 naming it', () => {
    const dir = fixtureCopy('base-node-app', 'check-parse');
    const r = runCli([dir, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(runCli([dir, '--check']).code).toBe(0);
    const text = readFileSync(join(dir, 'server.js'), 'utf8');
    writeFileSync(
      join(dir, 'server.js'),
      text.replace('const server', '<<<<<<< HEAD\nconst port = 1;\n=======\nconst port = 2;\n>>>>>>> feature\nconst server'),
    );
    const check = runCli([dir, '--check']);
    expect(check.code, check.stdout).toBe(1);
    // Named either way: as a file with conflict markers, or as one whose edits cannot be checked.
    expect(check.stdout).toMatch(/unusable +server\.js: (has conflict markers|its edits cannot be checked: .*does not parse)/);
  });
});
