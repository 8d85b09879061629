/**
 * The in-memory plan: every change the tool intends to make, recorded before anything is written.
 * Generators only add to it; the command layer prints it, asks, and applies it in one go
 * (see ./apply.ts). Writing identical content records no change, so re-runs are quiet.
 */
import { BUILT_IN_TEMPLATES, type Templates } from './render.js';

/**
 * What the plan runs: the new text, or `false` for "no change". Edits of src/edits return an
 * EditResult (./edit-result.ts); generators/edit-actions.ts hands the plan its text.
 */
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

/**
 * What a planned file is to the tool. 'generated': the tool owns its content (written with write());
 * on a re-run it is merged with the user's edits. 'edited': a user's file changed by pure edits, which
 * simply run again. 'internal': the tool's own bookkeeping (the upgrade manifest).
 */
export type FileKind = 'generated' | 'edited' | 'internal';

/** Which generator, for which app, planned a file. */
export interface PlanOrigin {
  generator: string;
  /** App.dir of the app it ran for ('' is the root). */
  app: string;
}

/**
 * What a generator sees of the plan: the planned tree of files (Nx's `Tree`). A view from
 * `plan.scope()` records, for every file it writes or edits, which generator did it for which app
 * (the upgrade manifest keeps that); the plan itself is a view that records no origin.
 */
export interface PlanTree {
  /** The template set the plan renders from. */
  readonly templates: Templates;
  /** Current planned content of a file (earlier changes included), or null. */
  read(path: string): string | null;
  exists(path: string): boolean;
  write(path: string, content: string, reason: string): void;
  edit(path: string, fn: EditFn, reason: string, needs?: readonly string[]): boolean;
  note(level: PlanNote['level'], message: string, file?: string): void;
}

export class Plan implements PlanTree {
  private readonly files = new Map<string, FileChange>();
  private readonly kinds = new Map<string, FileKind>();
  private readonly origins = new Map<string, PlanOrigin[]>();
  private readonly needs = new Map<string, Set<string>>();
  readonly notes: PlanNote[] = [];

  /**
   * @param readDisk reads a repo-relative file from disk; null when it does not exist.
   * @param templates the template set this plan's generated files are rendered from
   */
  constructor(
    private readonly readDisk: ReadFile,
    readonly templates: Templates = BUILT_IN_TEMPLATES,
  ) {}

  /** Current planned content of a file: the pending change if any, else the disk. */
  current(path: string): string | null {
    const pending = this.files.get(path);
    return pending ? pending.after : this.readDisk(path);
  }

  read(path: string): string | null {
    return this.current(path);
  }

  exists(path: string): boolean {
    return this.current(path) !== null;
  }

  /**
   * The view one generator gets while it runs for one app: what it writes or edits is recorded as
   * theirs. A value per run, so two generators' views never see each other's origin.
   */
  scope(origin: PlanOrigin): PlanTree {
    const o: PlanOrigin = { generator: origin.generator, app: origin.app };
    return {
      templates: this.templates,
      read: (path) => this.current(path),
      exists: (path) => this.current(path) !== null,
      write: (path, content, reason) => this.writeAs(o, path, content, reason, 'generated'),
      edit: (path, fn, reason, needs = []) => this.editAs(o, path, fn, reason, needs),
      note: (level, message, file) => this.note(level, message, file),
    };
  }

  /** Create or overwrite a file with exactly `content`; it becomes a generated file unless `kind` says otherwise. */
  write(path: string, content: string, reason: string, kind: 'generated' | 'internal' = 'generated'): void {
    this.writeAs(null, path, content, reason, kind);
  }

  /**
   * Apply a pure edit to the file's current (planned) content. Missing file: the edit sees ''.
   * @param needs generated files the edited code imports (see needsOf)
   */
  edit(path: string, fn: EditFn, reason: string, needs: readonly string[] = []): boolean {
    return this.editAs(null, path, fn, reason, needs);
  }

  /** What the file is to the tool; undefined when nothing planned it. */
  kindOf(path: string): FileKind | undefined {
    return this.kinds.get(path);
  }

  /** Generated files that the edits of this file import, so they must exist for it to run. */
  needsOf(path: string): readonly string[] {
    return [...(this.needs.get(path) ?? [])];
  }

  /** The generators (and apps) that planned the file, in order. */
  originsOf(path: string): readonly PlanOrigin[] {
    return this.origins.get(path) ?? [];
  }

  /** Every planned file, unchanged ones included (a re-run plans files that are already current). */
  planned(): FileChange[] {
    return [...this.files.values()];
  }

  /** Paths planned with the given kind, in planning order. */
  pathsOf(kind: FileKind): string[] {
    return [...this.files.keys()].filter((p) => this.kinds.get(p) === kind);
  }

  /** Replace the planned content of a planned file, keeping its kind and reason (an upgrade merge). */
  replace(path: string, content: string): void {
    const existing = this.files.get(path);
    if (!existing) throw new Error(`replace: ${path} is not planned`);
    existing.after = content;
  }

  /** Take a file out of the plan entirely (a generated file the user deleted stays deleted). */
  drop(path: string): void {
    this.files.delete(path);
    this.kinds.delete(path);
    this.origins.delete(path);
    this.needs.delete(path);
  }

  note(level: PlanNote['level'], message: string, file?: string): void {
    const n: PlanNote = file === undefined ? { level, message } : { level, message, file };
    if (!this.notes.some((x) => x.level === n.level && x.message === n.message && x.file === n.file)) this.notes.push(n);
  }

  /** Changes that actually alter bytes on disk, in the order they were first planned. */
  changes(): FileChange[] {
    return [...this.files.values()].filter((c) => c.before !== c.after);
  }

  private writeAs(origin: PlanOrigin | null, path: string, content: string, reason: string, kind: FileKind): void {
    this.record(origin, path, content, reason);
    this.kinds.set(path, kind);
  }

  private editAs(origin: PlanOrigin | null, path: string, fn: EditFn, reason: string, needs: readonly string[]): boolean {
    if (needs.length) this.needs.set(path, new Set([...(this.needs.get(path) ?? []), ...needs]));
    const source = this.current(path);
    const next = fn(source ?? '');
    // An edit that finds its work already done is still recorded, as a no-op, so the upgrade manifest
    // keeps listing it on re-runs; changes() leaves no-ops out.
    if (next === false && source === null) return false;
    if (next !== false) this.record(origin, path, next, reason);
    else if (!this.files.has(path)) this.record(origin, path, source ?? '', reason);
    else this.noteOrigin(origin, path);
    // An edit of a file generated in this same run keeps it generated: its whole content is ours.
    if (!this.kinds.has(path)) this.kinds.set(path, 'edited');
    return next !== false;
  }

  private noteOrigin(o: PlanOrigin | null, path: string): void {
    if (!o) return;
    const list = this.origins.get(path) ?? [];
    if (!list.some((x) => x.generator === o.generator && x.app === o.app)) list.push({ ...o });
    this.origins.set(path, list);
  }

  private record(origin: PlanOrigin | null, path: string, content: string, reason: string): void {
    this.noteOrigin(origin, path);
    const existing = this.files.get(path);
    if (existing) {
      existing.after = content;
      if (!existing.reason.includes(reason)) existing.reason = `${existing.reason}; ${reason}`;
      return;
    }
    this.files.set(path, { path, before: this.readDisk(path), after: content, reason });
  }
}
