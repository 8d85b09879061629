/**
 * --check: what a re-run would do, as findings. Read-only; the manifest itself is not checked
 * (its version field changes with every release even when no file does).
 */
import type { FileOutcome, Reconciled } from './reconcile.js';

export type Problem = 'missing' | 'outdated' | 'hand-edited' | 'conflict';

export interface Finding {
  path: string;
  problem: Problem;
  detail: string;
}

export function checkFindings(r: Reconciled): Finding[] {
  return r.files.flatMap(findingsFor);
}

function findingsFor(f: FileOutcome): Finding[] {
  const out: Finding[] = [];
  const add = (problem: Problem, detail: string): void => {
    out.push({ path: f.path, problem, detail });
  };
  if (f.kind === 'edited') {
    if (f.missing) add('missing', `does not exist; the tool edits it (${f.reason})`);
    else if (f.status === 'edit') add('outdated', `its edit is missing or out of date (${f.reason})`);
    return out;
  }
  switch (f.status) {
    case 'created':
      add('missing', `not generated yet (${f.reason})`);
      break;
    case 'deleted':
      if (!f.deletedBefore) add('missing', 'deleted since the last run; run the tool to keep it deleted, or restore it');
      break;
    case 'replaced':
      add('outdated', 'this version generates different content');
      break;
    case 'merged':
      add('outdated', 'this version generates different content; a re-run merges it with your edits');
      break;
    case 'conflict':
      add('outdated', 'this version changes lines you edited; a re-run would leave conflict markers');
      break;
    case 'current':
      break;
  }
  if (f.status !== 'deleted' && f.handEdited) add('hand-edited', 'changed since the tool wrote it; run the tool to merge and record your edits');
  if (f.unresolved && f.status !== 'conflict') add('conflict', 'has unresolved conflict markers (<<<<<<< ... >>>>>>>)');
  return out;
}

/** The --check output, one line per finding. */
export function describeFindings(findings: Finding[]): string[] {
  if (findings.length === 0) return [];
  const width = Math.max(...findings.map((f) => f.problem.length));
  return findings.map((f) => `  ${f.problem.padEnd(width)}  ${f.path}: ${f.detail}`);
}
