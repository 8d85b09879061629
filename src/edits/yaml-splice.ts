/**
 * Editing YAML without re-printing it: the `yaml` Document API finds the nodes and their source
 * ranges, and the change is a splice at those offsets. Re-stringifying a document would
 * re-indent sequences, move comments and respace flow collections; splicing leaves every byte
 * we did not mean to change alone.
 */
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Splice } from './dockerfile/text-splice.js';

/** Column of the first key of a block map: the indentation its new keys must have. */
export function mapIndent(source: string, map: YAMLMap): number | null {
  const first = map.items[0] as Pair<Node, Node | null> | undefined;
  const start = first?.key?.range?.[0];
  if (start === undefined) return null;
  return start - (source.lastIndexOf('\n', start - 1) + 1);
}

/** True when the map is written in block style (`key: value` lines), the only style we extend. */
export function isBlockMap(map: unknown): map is YAMLMap {
  return isMap(map) && !map.flow && map.items.length > 0;
}

/**
 * Insert `lines` (already relative to the map's indentation) as new keys at the end of a block map:
 * after the line where its last value ends, before any comment that follows it.
 */
export function appendToMap(source: string, map: YAMLMap, lines: readonly string[], eol: string): Splice | null {
  const indent = mapIndent(source, map);
  const last = map.items[map.items.length - 1] as Pair<Node, Node | null> | undefined;
  const end = last?.value?.range?.[1] ?? last?.key?.range?.[1];
  if (indent === null || end === undefined) return null;
  let at: number;
  let lead = '';
  if (end > 0 && source[end - 1] === '\n') {
    at = end;
  } else {
    const nl = source.indexOf('\n', end);
    if (nl < 0) {
      at = source.length;
      lead = eol;
    } else {
      at = nl + 1;
    }
  }
  const pad = ' '.repeat(indent);
  return { start: at, end: at, text: lead + lines.map((l) => pad + l + eol).join('') };
}

/** Replace a scalar value in place (quotes and comments around it stay). */
export function replaceScalar(node: unknown, text: string): Splice | null {
  if (!isScalar(node) || !node.range) return null;
  return { start: node.range[0], end: node.range[1], text };
}

/** The indentation step the file uses (2 when it cannot tell). */
export function indentStep(source: string): number {
  const m = /\n( +)\S/.exec(source);
  return m && m[1]!.length <= 8 ? m[1]!.length : 2;
}
