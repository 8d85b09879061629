/**
 * Reading and writing the tool's own files (runtime sources, their precompiled flavours), never the
 * user's repo: generators work in memory, so the disk access they need for their own inputs lives here.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function readToolFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The file's text, or null when it is not there (a flavour not precompiled yet). */
export function readToolFileIfPresent(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** Written by the build only (scripts/copy-runtime-sources.mjs through writeFlavours). */
export function writeToolFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
