/** Reading JSON and JSONC (tsconfig allows comments and trailing commas) with errors that name the file. */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { UserError } from '../core/errors.js';

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`is not valid JSON (${describeJsonError(error, text)}); fix the syntax and run again`, { file, cause: error });
  }
}

export function parseJsonc(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  let value: unknown;
  try {
    value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  } catch (error) {
    // jsonc-parser recurses per nesting level: absurdly deep input overflows the stack.
    throw new UserError(
      `cannot be parsed (${error instanceof RangeError ? 'nested too deeply' : (error as Error).message}); fix the file and run again`,
      { file, cause: error },
    );
  }
  const first = errors[0];
  if (first) {
    throw new UserError(`${where(text, first.offset)}: ${words(printParseErrorCode(first.error))}; fix the syntax and run again`, { file });
  }
  return value;
}

/** V8's message, reduced to one short line with a line and column instead of an offset and a quoted snippet. */
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset = position !== undefined ? Number(position) : /end of JSON input/.test(message) ? text.length : null;
  const reason = message
    .replace(/\s*(in JSON )?at position \d+[\s\S]*$/, '')
    .replace(/, "[\s\S]*" is not valid JSON$/, '')
    .replace(/\s+/g, ' ')
    .slice(0, 100);
  return offset === null ? reason : `${where(text, offset)}: ${reason}`;
}

function where(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** 'CommaExpected' → 'comma expected'. */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function stringRecord(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}
