/**
 * Every pure edit of an existing file (src/edits/**) returns the one EditResult shape of
 * src/core/edit-result.ts. Each edit runs over real fixture inputs, refusals included, and every result
 * is checked at run time (text a string or false, notes well formed, refused only without a text) and
 * at compile time (the table below is typed with `Edit`). An edit is known by its countEditRun name:
 * a new edit in src/edits that is not in the table fails the first test, so it cannot bring a shape of
 * its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Edit, type EditResult, editResultProblem } from '../../src/core/edit-result.js';
import { patchCompose } from '../../src/edits/compose.js';
import { copyGeneratedFiles } from '../../src/edits/dockerfile/copy-files.js';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';
import { patchGunicornConf } from '../../src/edits/gunicorn-conf.js';
import { patchK8s } from '../../src/edits/k8s.js';
import { wireNodeEntrypoint } from '../../src/edits/node-entrypoint/wire.js';
import { wirePythonEntrypoint } from '../../src/edits/python-entrypoint.js';
import { addGracefulShutdownPlugin } from '../../src/edits/vite-config.js';
import { loadCases } from '../python-entrypoint/fixtures.js';

const REPO = join(import.meta.dirname, '../..');
const FIXTURES = join(REPO, 'test/fixtures');

interface Run {
  name: string;
  run: () => EditResult<unknown> | EditResult;
  /** The case must be refused. */
  refused?: boolean;
}

// Typed with Edit: an edit whose result is not an EditResult does not compile here.
const EDITS = {
  patchDockerfile: patchDockerfile satisfies Edit<Parameters<typeof patchDockerfile>[1], unknown>,
  copyGeneratedFiles: copyGeneratedFiles satisfies Edit<Parameters<typeof copyGeneratedFiles>[1], unknown>,
  patchCompose: patchCompose satisfies Edit<Parameters<typeof patchCompose>[1], unknown>,
  patchK8s: patchK8s satisfies Edit<Parameters<typeof patchK8s>[1], unknown>,
  patchGunicornConf: patchGunicornConf satisfies Edit<Parameters<typeof patchGunicornConf>[1]>,
  addGracefulShutdownPlugin: addGracefulShutdownPlugin satisfies Edit<Parameters<typeof addGracefulShutdownPlugin>[1]>,
  wireNodeEntrypoint: wireNodeEntrypoint satisfies Edit<Parameters<typeof wireNodeEntrypoint>[1], unknown>,
  wirePythonEntrypoint: wirePythonEntrypoint satisfies Edit<Parameters<typeof wirePythonEntrypoint>[1]>,
} as const;

const dirs = (path: string): string[] => readdirSync(join(FIXTURES, path)).sort();
const read = (...path: string[]): string => readFileSync(join(FIXTURES, ...path), 'utf8');
const json = <T = never>(...path: string[]): T => JSON.parse(read(...path)) as T;
const onlyFile = (path: string): string => readdirSync(join(FIXTURES, path)).find((f) => f !== 'options.json')!;

function runs(): Record<keyof typeof EDITS, Run[]> {
  const dockerfiles = dirs('dockerfile').slice(0, 8);
  const stage = { runtime: 'node' as const, scripts: { start: 'node server.js' } };
  const module = [{ path: 'shutdown.js', at: 'entry' as const }];
  const node = (dir: string): Run[] =>
    dirs(dir).map((name) => {
      const file = onlyFile(`${dir}/${name}`);
      const esm = ['.mjs', '.mts'].includes(extname(file)) || /^\s*(import|export)\s/m.test(read(dir, name, file));
      const options = { fileName: `src/${file}`, moduleSystem: esm ? ('esm' as const) : ('cjs' as const), specifier: './shutdown.js' };
      return { name, run: () => EDITS.wireNodeEntrypoint(read(dir, name, file), options), refused: name.startsWith('refuse-') };
    });
  const vite = (dir: string, refused: boolean): Run[] =>
    dirs(dir).map((name) => {
      const file = onlyFile(`${dir}/${name}`);
      const options = { file, importPath: './devserver-shutdown.js', moduleSystem: 'esm' as const };
      return { name, run: () => EDITS.addGracefulShutdownPlugin(read(dir, name, file), options), refused };
    });
  return {
    patchDockerfile: [
      ...dockerfiles.map((name) => ({ name, run: () => EDITS.patchDockerfile(read('dockerfile', name, 'Dockerfile'), stage) })),
      { name: 'no FROM', run: () => EDITS.patchDockerfile('# nothing here\n') },
    ],
    copyGeneratedFiles: dockerfiles.map((name) => ({
      name,
      run: () => EDITS.copyGeneratedFiles(read('dockerfile', name, 'Dockerfile'), { entry: 'server.js', files: module }),
    })),
    patchCompose: dirs('compose').map((name) => ({
      name,
      run: () =>
        EDITS.patchCompose(
          read('compose', name, onlyFile(`compose/${name}`)),
          json<{ services: never }>('compose', name, 'options.json').services,
        ),
    })),
    patchK8s: dirs('k8s').map((name) => ({
      name,
      run: () => EDITS.patchK8s(read('k8s', name, onlyFile(`k8s/${name}`)), json('k8s', name, 'options.json')),
    })),
    patchGunicornConf: dirs('python-module/gunicorn-conf').map((name) => ({
      name,
      run: () =>
        EDITS.patchGunicornConf(read('python-module/gunicorn-conf', name, 'gunicorn.conf.py'), {
          handlersModule: 'app.signal_handlers',
          gracefulTimeout: 8,
        }),
      refused: name.startsWith('refuse-'),
    })),
    addGracefulShutdownPlugin: [...vite('devserver/vite-config', false), ...vite('devserver/vite-config-refused', true)],
    wireNodeEntrypoint: node('node-entrypoint'),
    wirePythonEntrypoint: loadCases(() => true).map((c) => ({
      name: c.name,
      run: () => EDITS.wirePythonEntrypoint(c.input, c.options),
      refused: c.name.startsWith('refuse-'),
    })),
  };
}

describe('the edit contract', () => {
  it('covers every edit of src/edits (each names itself to countEditRun)', () => {
    const names = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else for (const m of readFileSync(join(REPO, path), 'utf8').matchAll(/countEditRun\('(\w+)'/g)) names.add(m[1]!);
      }
    };
    walk('src/edits');
    expect([...names].sort()).toEqual(Object.keys(EDITS).sort());
  });

  const table = runs();
  it.each(Object.keys(table) as (keyof typeof EDITS)[])('%s returns an EditResult for every fixture, refusals included', (edit) => {
    const cases = table[edit];
    expect(cases.length).toBeGreaterThanOrEqual(2);
    for (const c of cases) {
      const result = c.run();
      expect(editResultProblem(result), `${edit} ${c.name}`).toBeNull();
      if (c.refused) expect(result.refused, `${edit} ${c.name} is refused`).toBeDefined();
    }
  });

  it('refuses for Node and Python wiring, the gunicorn config and the Vite config', () => {
    for (const edit of ['wireNodeEntrypoint', 'wirePythonEntrypoint', 'patchGunicornConf', 'addGracefulShutdownPlugin'] as const) {
      expect(table[edit].filter((c) => c.refused).length, edit).toBeGreaterThanOrEqual(2);
    }
  });

  it('rejects other shapes', () => {
    expect(editResultProblem('FROM node:22\n')).toBe('not an object');
    expect(editResultProblem({ text: false, warnings: [] })).toBe('unknown fields: warnings');
    expect(editResultProblem({ text: 'x', notes: ['kept'] })).toBe('a note is not an object');
    expect(editResultProblem({ text: 'x', notes: [{ level: 'error', message: 'm' }] })).toBe("a note's level is error");
    expect(editResultProblem({ text: 'x', notes: [], refused: { reason: 'unsafe' } })).toBe('refused with a text');
    expect(editResultProblem({ text: false, notes: [], refused: { reason: 'unsafe', line: 0 } })).toBe('refused line is not a line number');
    expect(editResultProblem({ text: false, notes: [], refused: { reason: 'unsafe', line: 3, manual: ['a'], where: 'here' } })).toBeNull();
  });
});
