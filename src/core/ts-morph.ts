/**
 * The one way this tool loads ts-morph: only when an entrypoint or vite.config is actually edited.
 * Importing it costs ~250 ms, which `--help` and every run that skips those edits must not pay.
 * Edits are synchronous (EditFn returns a string), so the load is a synchronous require of the
 * CommonJS build, cached after the first call.
 */
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

export type TsMorphModule = typeof TsMorph;

let cached: TsMorphModule | null = null;

export function loadTsMorph(): TsMorphModule {
  if (cached === null) cached = createRequire(import.meta.url)('ts-morph') as TsMorphModule;
  return cached;
}

let project: TsMorph.Project | null = null;
let parses = 0;

/**
 * Parses `text` as `fileName` in one shared in-memory Project: no disk, no dependency
 * resolution, never type-checked. Each call replaces the previous file.
 */
export function parseSource(text: string, fileName: string): TsMorph.SourceFile {
  const tsMorph = loadTsMorph();
  if (project === null) {
    project = new tsMorph.Project({
      useInMemoryFileSystem: true,
      skipFileDependencyResolution: true,
      skipAddingFilesFromTsConfig: true,
      compilerOptions: { allowJs: true, noLib: true },
    });
  }
  const base = fileName.split('/').pop() ?? 'entry.ts';
  for (const old of project.getSourceFiles()) project.removeSourceFile(old);
  // A fresh path each time: ts-morph's document cache can hand back the previous text for a reused path.
  parses += 1;
  const sf = project.createSourceFile(`/${parses}/${base}`, text, { overwrite: true });
  if (sf.getFullText() !== text) throw new Error(`ts-morph parsed a different text for ${fileName}`);
  return sf;
}
