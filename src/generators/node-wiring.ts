/**
 * What wiring an app's entrypoint comes to (edit, refusal, already done, nothing to wire), decided
 * without planning anything: the entrypoint part plans from it, the module and container parts ask it.
 */
import type { NodeApp } from '../detect/facts.js';
import { importSpecifier } from '../edits/node-entrypoint/import-specifier.js';
import { shutdownCodeIn, wireNodeEntrypoint as wireNodeEntrypointFresh, type WireOptions } from '../edits/node-entrypoint/wire.js';
import { nodeModuleFile, nodeModuleImportForm } from './node-module-flavour.js';
import { wiredByText } from './wired-by-text.js';
import type { GeneratorContext } from './types.js';
import { memoizedEdit } from './edit-memo.js';
import type { EditNote } from '../core/edit-result.js';

const wireNodeEntrypoint = memoizedEdit(wireNodeEntrypointFresh);

export type Wiring =
  | { kind: 'none' }
  | { kind: 'runner'; message: string }
  | { kind: 'unreadable'; path: string }
  | { kind: 'refused'; path: string; line: number; reason: string; manual: string[] }
  | { kind: 'done' }
  | { kind: 'edit'; path: string; opts: WireOptions; notes: EditNote[] };

/** What wiring the entrypoint comes to, without planning anything: the module generator asks too. */
export function planWiring(ctx: GeneratorContext, app: NodeApp): Wiring {
  const entry = app.entrypoint;
  if (!entry) return app.process?.runner === 'next-start' ? { kind: 'runner', message: nextStartMessage(app) } : { kind: 'none' };
  const source = ctx.current(entry.path);
  if (source === null) return { kind: 'unreadable', path: entry.path };
  const opts: WireOptions = {
    fileName: entry.path,
    moduleSystem: entry.moduleSystem,
    specifier: importSpecifier({
      entrypoint: entry.path,
      moduleFile: nodeModuleFile(app),
      moduleSystem: entry.moduleSystem,
      tsconfig: app.tsconfig,
      source,
    }),
    frameworks: app.frameworks,
    importForm: nodeModuleImportForm(app),
  };
  // Already wired, as the text shows: a quiet re-run, without loading ts-morph.
  if (wiredByText(source, opts.specifier)) return { kind: 'done' };
  const result = wireNodeEntrypoint(source, opts);
  if (result.refused) {
    const r = result.refused;
    return { kind: 'refused', path: entry.path, line: r.line ?? 1, reason: r.reason, manual: r.manual ?? [] };
  }
  if (result.text === false) return { kind: 'done' };
  // Shutdown code in the files that lead to this one (index.js requiring the server file) runs in the
  // same process: a second listener there would exit before, or race with, the generated drain.
  const chain = entry.chain ?? [];
  for (const file of [...chain, ...(entry.loads ?? [])].filter((f) => f !== entry.path)) {
    const text = ctx.current(file);
    if (text === null) continue;
    const found = shutdownCodeIn(text, file);
    if (found.length > 0) {
      const first = found[0] as { line: number; text: string };
      const how = chain.includes(file) ? `which the process starts and which loads ${entry.path}` : `which the process loads`;
      const reason = `not edited: ${file}, ${how}, already handles shutdown (${found.map((f) => `line ${f.line}: \`${f.text}\``).join('; ')}); a second listener would race with it. Remove that code from ${file} (register its cleanup with registerShutdownHandler(name, fn) after wiring ${entry.path}), then run again`;
      return { kind: 'refused', path: file, line: first.line, reason, manual: [] };
    }
  }
  // A package that serves traffic, whose wired file creates no server: the server is made somewhere the
  // tool cannot see (a path alias, a framework's CLI), and a listener that finds nothing to drain would end
  // the process at once on SIGTERM, before whatever owns that server has drained it.
  if (result.data?.registered === 0 && app.frameworks.some((f) => f !== 'ws')) {
    const reason = `not edited: no server is created in ${entry.path}${(entry.loads ?? []).length ? ' or the local files it loads' : ''}, yet the package depends on ${app.frameworks.join(', ')}; a signal listener here would exit at once on SIGTERM, before the server that serves the traffic has drained. Wire the file that creates the server instead (register it with registerHttpServer(server))`;
    return { kind: 'refused', path: entry.path, line: 1, reason, manual: result.data.manual };
  }
  return { kind: 'edit', path: entry.path, opts, notes: result.notes };
}

/** True when the entrypoint part will not wire the module in (refused, runner-owned or no entry): the module would be unused. */
export function moduleWouldBeUnused(ctx: GeneratorContext): boolean {
  if (ctx.app.kind !== 'node') return false;
  const kind = planWiring(ctx, ctx.app).kind;
  return kind === 'refused' || kind === 'runner' || kind === 'none' || kind === 'unreadable';
}

/**
 * `next start`: Next.js's own server, which app code cannot reach. Measured with Next 16 (test/node-entrypoint/nextjs.test.ts):
 * on SIGTERM it stops accepting and answers in-flight requests, then waits for the keep-alive sockets those
 * clients keep, and exits 143.
 */
function nextStartMessage(app: NodeApp): string {
  const p = app.process;
  const where = p ? `\`${p.command}\` (${p.file})` : '`next start`';
  return [
    `${where} runs Next.js's own server: no file of the app creates it, so there is nothing to wire and the shutdown module is not written.`,
    'On SIGTERM `next start` stops accepting and answers the requests in flight, but keeps waiting for idle keep-alive connections (up to its keep-alive timeout) and exits 143, not 0.',
    'To drain at the floor, start Next.js from a custom server (server.js: `next({ dev: false })`, `http.createServer(handle).listen(port)`, started with `node server.js`) and run this tool again: it wires that file.',
    'The container part (init as PID 1, exec-form CMD, stop grace period) still applies.',
  ].join('\n');
}
