/**
 * --check: what a re-run would do, as findings. Read-only; the manifest itself is not checked
 * (its version field changes with every release even when no file does).
 */
import type { PlanNote } from '../core/plan.js';
import { hasConflictMarkers } from './merge.js';
import type { FileOutcome, Reconciled } from './reconcile.js';

export type Problem = 'missing' | 'outdated' | 'hand-edited' | 'conflict' | 'broken-import' | 'unusable';

export interface Finding {
  path: string;
  problem: Problem;
  detail: string;
}

/** Warnings that say a file could not be parsed, so nothing about its edits can be told. */
const UNPARSED = /\b(does not parse|syntax error|unterminated string|is not valid (YAML|JSON)|cannot be parsed)\b/;

/**
 * @param notes the plan's notes: a file the tool edits that does not parse this run (conflict
 * markers mid-merge, a syntax error) cannot have its edits verified, so it fails
 * @param read the current text of a file, for conflict markers in files the tool edits
 */
export function checkFindings(
  r: Reconciled,
  notes: readonly PlanNote[] = [],
  read: (path: string) => string | null = () => null,
): Finding[] {
  const out = r.files.flatMap(findingsFor);
  const edited = new Set([...Object.keys(r.manifest.edited), ...r.files.filter((f) => f.kind === 'edited').map((f) => f.path)]);
  const unusable = (path: string, detail: string): void => {
    if (!out.some((f) => f.path === path && f.problem === 'unusable')) out.push({ path, problem: 'unusable', detail });
  };
  for (const n of notes) {
    if (n.level === 'warn' && n.file !== undefined && edited.has(n.file) && UNPARSED.test(n.message))
      unusable(n.file, `its edits cannot be checked: ${firstLine(n.message)}`);
  }
  for (const path of edited) {
    const text = read(path);
    if (text !== null && hasConflictMarkers(text))
      unusable(path, 'has conflict markers (<<<<<<< ... >>>>>>>): finish the merge, then check again');
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
    for (const m of f.missingNeeds)
      add('broken-import', `imports ${m}, which does not exist: the app fails at start; remove the import, or restore ${m}`);
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
  if (f.status !== 'deleted' && f.handEdited)
    add('hand-edited', 'changed since the tool wrote it; run the tool to merge and record your edits');
  if (f.unresolved && f.status !== 'conflict') add('conflict', 'has unresolved conflict markers (<<<<<<< ... >>>>>>>)');
  return out;
}

/** The --check output, one line per finding. */
export function describeFindings(findings: Finding[]): string[] {
  if (findings.length === 0) return [];
  const width = Math.max(...findings.map((f) => f.problem.length));
  return findings.map((f) => `  ${f.problem.padEnd(width)}  ${f.path}: ${f.detail}`);
}
