import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  MANIFEST_FORMAT,
  MANIFEST_PATH,
  entryText,
  linesOf,
  parseManifest,
  readManifest,
  serializeManifest,
  type Manifest,
} from '../../src/upgrade/manifest.js';
import { sha256 } from '../../src/upgrade/hash.js';

function sample(texts: Record<string, string>): Manifest {
  const generated: Manifest['generated'] = {};
  for (const [p, t] of Object.entries(texts)) generated[p] = { generator: 'node-module', app: '', sha256: sha256(t), lines: linesOf(t) };
  return {
    format: MANIFEST_FORMAT,
    tool: 'create-graceful-shutdown',
    version: '1.2.3',
    answers: { apps: [''], parts: ['module', 'entrypoint'], timeoutMs: 5000, shutdownDelayMs: 0, exitMode: 'signal', preStopSeconds: 5 },
    generated,
    edited: { 'server.js': { by: ['node-entrypoint'], reason: 'wire setupSignalHandlers()' } },
  };
}

function errorOf(text: string): UserError {
  try {
    parseManifest(text);
  } catch (e) {
    return e as UserError;
  }
  throw new Error('parseManifest accepted a bad manifest');
}

describe('manifest', () => {
  it('round-trips, and restores every generated text byte for byte', () => {
    const texts = { 'a.js': 'x\ny\n', 'b.js': 'no final newline', 'c.js': 'crlf\r\nlines\r\n', 'd.js': '', 'e.js': '\n\n' };
    const m = sample(texts);
    const back = parseManifest(serializeManifest(m));
    expect(back).toEqual(m);
    for (const [p, t] of Object.entries(texts)) {
      const e = back.generated[p];
      expect(e && 'lines' in e ? entryText(e) : null).toBe(t);
    }
  });

  it('serialises deterministically: paths sorted, no timestamps', () => {
    const a = sample({ 'z.js': '1\n', 'a.js': '2\n' });
    const b = sample({ 'a.js': '2\n', 'z.js': '1\n' });
    expect(serializeManifest(a)).toBe(serializeManifest(b));
    expect(Object.keys(JSON.parse(serializeManifest(a)).generated)).toEqual(['a.js', 'z.js']);
    expect(serializeManifest(a).endsWith('}\n')).toBe(true);
  });

  it('keeps a deletion record', () => {
    const m = sample({});
    m.generated['gone.js'] = { generator: 'node-module', app: '', deleted: true };
    expect(parseManifest(serializeManifest(m)).generated['gone.js']).toEqual({ generator: 'node-module', app: '', deleted: true });
  });

  it('reads nothing when there is no manifest', () => {
    expect(readManifest(() => null)).toBeNull();
    const text = serializeManifest(sample({ 'a.js': 'a\n' }));
    expect(readManifest((p) => (p === MANIFEST_PATH ? text : null))?.version).toBe('1.2.3');
  });

  const good = JSON.parse(serializeManifest(sample({ 'a.js': 'a\n' }))) as Record<string, unknown>;
  const bad: [string, string][] = [
    ['not JSON', '{ "tool": '],
    ['an array', '[]'],
    ['another tool', JSON.stringify({ ...good, tool: 'other' })],
    ['no format', JSON.stringify({ ...good, format: undefined })],
    ['bad sha256', JSON.stringify({ ...good, generated: { 'a.js': { generator: 'g', app: '', sha256: 'xyz', lines: [] } } })],
    [
      'lines not strings',
      JSON.stringify({ ...good, generated: { 'a.js': { generator: 'g', app: '', sha256: 'a'.repeat(64), lines: [1] } } }),
    ],
    ['path outside the repo', JSON.stringify({ ...good, generated: { '../x.js': { generator: 'g', app: '', deleted: true } } })],
    ['unknown part', JSON.stringify({ ...good, answers: { parts: ['module', 'helm'] } })],
    ['negative timeout', JSON.stringify({ ...good, answers: { timeoutMs: -1 } })],
    ['bad exit mode', JSON.stringify({ ...good, answers: { exitMode: 'maybe' } })],
    ['edited without reason', JSON.stringify({ ...good, edited: { 's.js': { by: [] } } })],
  ];
  it.each(bad)('a malformed manifest (%s) is one error line naming the file', (_name, text) => {
    const e = errorOf(text);
    expect(e).toBeInstanceOf(UserError);
    expect(e.file).toBe(MANIFEST_PATH);
    expect(e.message.startsWith(`${MANIFEST_PATH}: not a valid create-graceful-shutdown manifest: `)).toBe(true);
    expect(e.message).not.toContain('\n');
  });

  it('a manifest from a newer format asks for a newer tool', () => {
    const e = errorOf(JSON.stringify({ ...good, format: 99, version: '9.0.0' }));
    expect(e.message).toMatch(/9\.0\.0.*upgrade the tool/);
    expect(e.message).not.toContain('\n');
  });

  it('ignores answers this version does not know', () => {
    const m = parseManifest(JSON.stringify({ ...good, answers: { timeoutMs: 1000, futureQuestion: true } }));
    expect(m.answers).toEqual({ timeoutMs: 1000 });
  });
});
