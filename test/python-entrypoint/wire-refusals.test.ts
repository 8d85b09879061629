/**
 * Cases the edit must refuse (test/fixtures/python-entrypoint/refuse-*): it throws a
 * PythonWiringRefused (a UserError) naming the file, the line and the lines to add by hand.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { PythonWiringRefused, wirePythonEntrypoint } from '../../src/edits/python-entrypoint.js';
import { loadCases } from './fixtures.js';

const cases = new Map(loadCases((name) => name.startsWith('refuse-')).map((c) => [c.name, c]));

function refusal(name: string): PythonWiringRefused {
  const c = cases.get(name)!;
  try {
    wirePythonEntrypoint(c.input, c.options);
  } catch (error) {
    if (error instanceof PythonWiringRefused) return error;
    throw error;
  }
  throw new Error(`${name}: the edit did not refuse`);
}

describe('wirePythonEntrypoint refuses', () => {
  it('an app made by a factory imported from another module', () => {
    const e = refusal('refuse-imported-factory');
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe(
      'refuse-imported-factory/input.py: line 3: `app` is not created by a FastAPI(...) or Starlette(...) call this tool can follow; ' +
        'add by hand after the line that creates `app`: `from .signal_handlers import hook_lifespan` and ' +
        '`hook_lifespan(app)`',
    );
    expect(e.line).toBe(3);
    expect(e.file).toBe('refuse-imported-factory/input.py');
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
