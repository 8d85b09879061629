/** Content hashes recorded in the manifest: sha256 of the UTF-8 text, hex. */
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
