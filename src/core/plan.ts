/**
 * The in-memory plan: every change the tool intends to make, recorded before anything is written.
 * Generators only add to it; the command layer prints it, asks, and applies it in one go
 * (see ./apply.ts). Writing identical content records no change, so re-runs are quiet.
 */

/** A pure edit of an existing file: the new text, or `false` for "no change". */
export type EditFn = (source: string) => string | false;

export interface FileChange {
  /** Repo-relative POSIX path. */
  path: string;
  /** Content on disk before the change; null when the file is created. */
  before: string | null;
  after: string;
  /** Why, in a few words, for the summary ("shutdown registry", "wire setupSignalHandlers()"). */
  reason: string;
}

export interface PlanNote {
  level: 'info' | 'warn';
  message: string;
  /** Repo-relative path the note is about, when there is one. */
  file?: string;
}

export type ReadFile = (path: string) => string | null;

export class Plan {
  private readonly files = new Map<string, FileChange>();
  readonly notes: PlanNote[] = [];

  /** @param read reads a repo-relative file from disk; null when it does not exist. */
  constructor(private readonly read: ReadFile) {}

  /** Current planned content of a file: the pending change if any, else the disk. */
  current(path: string): string | null {
    const pending = this.files.get(path);
    return pending ? pending.after : this.read(path);
  }

  /** Create or overwrite a file with exactly `content`. */
  write(path: string, content: string, reason: string): void {
    this.record(path, content, reason);
  }

  /** Apply a pure edit to the file's current (planned) content. Missing file: the edit sees ''. */
  edit(path: string, fn: EditFn, reason: string): boolean {
    const source = this.current(path);
    const next = fn(source ?? '');
    if (next === false) return false;
    this.record(path, next, reason);
    return true;
  }

  note(level: PlanNote['level'], message: string, file?: string): void {
    const n: PlanNote = file === undefined ? { level, message } : { level, message, file };
    if (!this.notes.some((x) => x.level === n.level && x.message === n.message && x.file === n.file)) this.notes.push(n);
  }

  /** Changes that actually alter bytes on disk, in the order they were first planned. */
  changes(): FileChange[] {
    return [...this.files.values()].filter((c) => c.before !== c.after);
  }

  private record(path: string, content: string, reason: string): void {
    const existing = this.files.get(path);
    if (existing) {
      existing.after = content;
      if (!existing.reason.includes(reason)) existing.reason = `${existing.reason}; ${reason}`;
      return;
    }
    this.files.set(path, { path, before: this.read(path), after: content, reason });
  }
}
