/**
 * --report <file.md>: a Markdown summary of a run, written to be pasted as a pull request description.
 * Pure: builds the text; the command layer writes it.
 */
import type { Answers } from '../answers.js';
import { diffStat } from '../core/diff.js';
import type { FileChange, FileKind, PlanNote } from '../core/plan.js';
import type { Reconciled } from './reconcile.js';
import { conflictPaths } from './describe.js';

export interface ReportInput {
  version: string;
  changes: FileChange[];
  kindOf: (path: string) => FileKind | undefined;
  upgrade: Reconciled;
  notes: PlanNote[];
  answers: Answers;
  /** The changes were not written (--dry-run). */
  dryRun: boolean;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function changeLabel(c: FileChange, input: ReportInput): string {
  const kind = input.kindOf(c.path);
  if (kind === 'internal') return 'record of generated files, for later upgrades';
  const status = input.upgrade.files.find((f) => f.path === c.path);
  if (status?.kind === 'generated') {
    if (status.status === 'merged') return `updated, your edits kept: ${c.reason}`;
    if (status.status === 'conflict') return `**conflict**, resolve the markers: ${c.reason}`;
    if (status.status === 'replaced') return `updated: ${c.reason}`;
  }
  return `${c.before === null ? 'created' : kind === 'edited' ? 'edited' : 'updated'}: ${c.reason}`;
}

export function reportMarkdown(input: ReportInput): string {
  const { upgrade, answers } = input;
  const out: string[] = [];
  out.push(`## Graceful shutdown (create-graceful-shutdown ${input.version})`, '');
  const from = upgrade.previousVersion;
  const what = from === null ? 'Adds graceful shutdown' : `Re-runs create-graceful-shutdown${from && from !== input.version ? ` (upgrade from ${from})` : ''}`;
  out.push(`${what}${input.dryRun ? '; dry run, nothing was written' : ''}.`, '');

  if (input.changes.length === 0) out.push('No file changes: everything is already in place.', '');
  else {
    out.push('| File | Change | Lines |', '| --- | --- | --- |');
    for (const c of input.changes) {
      const { added, removed } = diffStat(c);
      out.push(`| ${cell(code(c.path))} | ${cell(changeLabel(c, input))} | +${added} −${removed} |`);
    }
    out.push('');
  }

  const conflicts = conflictPaths(upgrade);
  if (conflicts.length) {
    out.push('### Conflicts to resolve before merging', '');
    out.push('Your edits and this version changed the same lines. Each file holds `<<<<<<< ours` / `||||||| base` / `=======` / `>>>>>>> theirs` markers:', '');
    for (const p of conflicts) out.push(`- ${code(p)}`);
    out.push('');
  }
  const kept = upgrade.files.filter((f) => f.kind === 'generated' && f.status === 'deleted').map((f) => f.path);
  const orphans = upgrade.orphans;
  if (kept.length || orphans.length) {
    out.push('### Left alone', '');
    for (const p of kept) out.push(`- ${code(p)}: deleted by you, stays deleted`);
    for (const p of orphans) out.push(`- ${code(p)}: no longer generated with these answers; delete it if nothing uses it`);
    out.push('');
  }

  out.push('### Timeouts', '');
  out.push(`- Shutdown budget of the app: ${answers.timeoutMs} ms (overridable with \`GRACEFUL_SHUTDOWN_TIMEOUT_MS\`)`);
  out.push(`- Delay between failing readiness and closing listeners: ${answers.shutdownDelayMs} ms`);
  if (answers.parts.includes('k8s')) out.push(`- Kubernetes preStop sleep: ${answers.preStopSeconds} s`);
  out.push(`- Exit status after a clean shutdown: ${answers.exitMode === 'zero' ? '0' : '128+signal (143 for SIGTERM)'}`);
  out.push('');

  if (input.notes.length) {
    out.push('### Notes and warnings', '');
    for (const n of input.notes) out.push(`- ${n.level === 'warn' ? '**warning**' : 'note'}: ${n.file ? `${code(n.file)}: ` : ''}${n.message}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
