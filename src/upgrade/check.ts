/**
 * --check: what a re-run would do, as findings. Read-only; the manifest itself is not checked
 * (its version field changes with every release even when no file does).
 */
import type { PlanNote } from '../core/plan.js';
import type { FileOutcome, Reconciled } from './reconcile.js';

export type Problem = 'missing' | 'outdated' | 'hand-edited' | 'conflict' | 'broken-import' | 'unusable';

export interface Finding {
  path: string;
  problem: Problem;
  detail: string;
}

/**
 * @param notes the plan's notes: a warning about a file the tool edits (it does not parse, it
 * holds conflict markers, it can no longer be wired) means its edits cannot be verified, so it fails.
 */
export function checkFindings(r: Reconciled, notes: readonly PlanNote[] = []): Finding[] {
  const out = r.files.flatMap(findingsFor);
  const edited = new Set([...Object.keys(r.manifest.edited), ...r.files.filter((f) => f.kind === 'edited').map((f) => f.path)]);
  for (const n of notes) {
    if (n.level !== 'warn' || n.file === undefined || !edited.has(n.file)) continue;
    if (out.some((f) => f.path === n.file && f.problem === 'unusable')) continue;
    out.push({ path: n.file, problem: 'unusable', detail: `its edits cannot be checked: ${firstLine(n.message)}` });
  }
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function findingsFor(f: FileOutcome): Finding[] {
  const out: Finding[] = [];
  const add = (problem: Problem, detail: string): void => {
    out.push({ path: f.path, problem, detail });
  };
  if (f.kind === 'edited') {
    if (f.missing) add('missing', `does not exist; the tool edits it (${f.reason})`);
    else if (f.status === 'edit') add('outdated', `its edit is missing or out of date (${f.reason})`);
    for (const m of f.missingNeeds) add('broken-import', `imports ${m}, which does not exist: the app fails at start; remove the import, or restore ${m}`);
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
