/** Reading the entrypoint-edit fixtures: test/fixtures/python-entrypoint/<case>/{input.py,options.json}. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WireOptions } from '../../src/edits/python-entrypoint.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures/python-entrypoint');

export interface EntryCase {
  name: string;
  input: string;
  options: WireOptions;
}

export function loadCases(filter: (name: string) => boolean): EntryCase[] {
  return readdirSync(FIXTURES)
    .filter(filter)
    .sort()
    .map((name) => ({
      name,
      input: readFileSync(join(FIXTURES, name, 'input.py'), 'utf8'),
      options: { ...(JSON.parse(readFileSync(join(FIXTURES, name, 'options.json'), 'utf8')) as WireOptions), file: `${name}/input.py` },
    }));
}

/** Python's own parser on a source text: null when it parses, else the error. */
export function pythonSyntaxError(source: string): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.buffer.read())'], {
    input: source,
    encoding: 'utf8',
  });
  return r.status === 0 ? null : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
}
