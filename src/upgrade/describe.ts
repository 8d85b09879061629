/** What the CLI prints about an upgrade, besides the plan itself. Pure: returns lines. */
import type { GeneratedOutcome, Reconciled } from './reconcile.js';

function generated(r: Reconciled): GeneratedOutcome[] {
  return r.files.filter((f): f is GeneratedOutcome => f.kind === 'generated');
}

export function conflictPaths(r: Reconciled): string[] {
  return generated(r).filter((f) => f.unresolved).map((f) => f.path);
}

export function describeUpgrade(r: Reconciled): string[] {
  const lines: string[] = [];
  if (r.previousVersion !== null) {
    lines.push(r.previousVersion === '' ? 'Upgrading an earlier run.' : `Upgrading what create-graceful-shutdown ${r.previousVersion} generated.`);
  }
  for (const f of generated(r)) {
    if (f.movedFrom) lines.push(`  moved     ${f.path}: was ${f.movedFrom} (its app dir was renamed); merged from there`);
    if (f.status === 'merged') lines.push(`  merged    ${f.path}: your edits kept, this version's changes merged in`);
    if (f.status === 'conflict') lines.push(`  conflict  ${f.path}: your edits overlap this version's changes; resolve the <<<<<<< markers`);
    if (f.status === 'deleted') lines.push(`  deleted   ${f.path}: you deleted it, so it stays deleted (remove its entry from .graceful-shutdown.json to get it back)`);
  }
  for (const p of r.orphans) lines.push(`  orphaned  ${p}: no longer generated with these answers; left in place, delete it if nothing uses it`);
  return lines;
}
