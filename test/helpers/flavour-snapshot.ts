/**
 * Snapshots of a family of generated texts that differ in a few lines (the module's flavours or modes):
 * the family's base text in full, every other member as a unified diff against it. Each distinct line
 * is reviewed once, and a change to any member still fails a snapshot: the base's, or the member's diff.
 */
import { createTwoFilesPatch } from 'diff';
import { expect } from 'vitest';

export function diffAgainst(baseName: string, baseText: string, name: string, text: string): string {
  return createTwoFilesPatch(baseName, name, baseText, text, '', '', { context: 3 });
}

/**
 * @param snapshot path of the member's snapshot (resolved like toMatchFileSnapshot's): the full text when
 * `base` is null, else `<snapshot>.diff` against the base
 */
export async function expectFlavourSnapshot(snapshot: string, text: string, base: { name: string; text: string } | null): Promise<void> {
  if (base === null) await expect(text).toMatchFileSnapshot(snapshot);
  else await expect(diffAgainst(base.name, base.text, snapshot.split('/').pop()!, text)).toMatchFileSnapshot(`${snapshot}.diff`);
}
