/**
 * Cases the edit must refuse (test/fixtures/python-entrypoint/refuse-*): it returns no text and a
 * refusal naming the line, the lines to add by hand and where. The message below is the one the
 * wiring used to throw (file, line, reason, manual), built from those fields: each must be exact.
 */
import { describe, expect, it } from 'vitest';
import type { EditRefusal } from '../../src/core/edit-result.js';
import { wirePythonEntrypoint } from '../../src/edits/python-entrypoint.js';
import { loadCases } from './fixtures.js';

const cases = new Map(loadCases((name) => name.startsWith('refuse-')).map((c) => [c.name, c]));

function refusal(name: string): EditRefusal & { message: string } {
  const c = cases.get(name)!;
  const result = wirePythonEntrypoint(c.input, c.options);
  if (!result.refused) throw new Error(`${name}: the edit did not refuse`);
  expect(result.text).toBe(false);
  const r = result.refused;
  const at = r.line === undefined ? '' : `line ${r.line}: `;
  const add = (r.manual ?? []).map((l) => `\`${l}\``).join(' and ');
  return { ...r, message: `${c.options.file}: ${at}${r.reason}; add by hand ${r.where}: ${add}` };
}

describe('wirePythonEntrypoint refuses', () => {
  it('an app made by a factory imported from another module', () => {
    const e = refusal('refuse-imported-factory');
    expect(e.message).toBe(
      'refuse-imported-factory/input.py: line 3: `app` is not created by a FastAPI(...) or Starlette(...) call this tool can follow; ' +
        'add by hand after the line that creates `app`: `from .signal_handlers import hook_lifespan` and ' +
        '`hook_lifespan(app)`',
    );
    expect(e.line).toBe(3);
  });

  it('a string that is never closed (the grammar itself reports no error there)', () => {
    const e = refusal('refuse-unterminated-string');
    expect(e.message).toMatch(
      /^refuse-unterminated-string\/input\.py: line 3: unterminated string at column 7, so the file was left alone; add by hand/,
    );
    expect(e.line).toBe(3);
  });

  it('a file with a syntax error', () => {
    const e = refusal('refuse-syntax-error');
    expect(e.message).toBe(
      'refuse-syntax-error/input.py: line 3: syntax error at column 10, so the file was left alone; ' +
        'add by hand at the start of the `if __name__ == "__main__":` block: `from signal_handlers import setup_signal_handlers` and `setup_signal_handlers()`',
    );
    expect(e.manual).toEqual(['from signal_handlers import setup_signal_handlers', 'setup_signal_handlers()']);
  });

  it('Python 2 source', () => {
    expect(refusal('refuse-python2').message).toMatch(
      /^refuse-python2\/input\.py: line 3: Python 2 print statement at column 1, so the file was left alone;/,
    );
  });

  it('an app returned straight from `return FastAPI(...)`', () => {
    const e = refusal('refuse-returned-app');
    expect(e.line).toBe(5);
    expect(e.message).toContain('the app is returned directly from `return FastAPI(...)`');
    expect(e.manual).toEqual(['from signal_handlers import hook_lifespan', 'hook_lifespan(app)']);
  });
});
