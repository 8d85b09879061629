/** Reading JSON and JSONC (tsconfig allows comments and trailing commas) with errors that name the file. */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { UserError } from '../core/errors.js';

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`is not valid JSON (${(error as Error).message}); fix the syntax and run again`, { file, cause: error });
  }
}

export function parseJsonc(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new UserError(`line ${line}: ${printParseErrorCode(first.error)}; fix the syntax and run again`, { file });
  }
  return value;
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
