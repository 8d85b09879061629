/** What the CLI prints about facts and the plan. Pure: returns text, the caller prints it. */
import type { Facts, App } from '../detect/facts.js';
import type { FileChange, PlanNote } from '../core/plan.js';
import { diffStat } from '../core/diff.js';
import { appLabel } from '../questions.js';

export function describeApp(app: App): string {
  if (app.kind === 'python') {
    const entry = app.entrypoint
      ? `${app.entrypoint.path}${app.entrypoint.appVariable ? `:${app.entrypoint.appVariable}` : ''}`
      : 'no entrypoint found';
    return `${appLabel(app)}: Python ${app.framework}${app.server !== 'none' ? ` on ${app.server}` : ''}, ${entry}`;
  }
  const kind = app.entrypoint
    ? `${app.entrypoint.language === 'ts' ? 'TypeScript' : 'JavaScript'} ${app.entrypoint.moduleSystem === 'esm' ? 'ESM' : 'CommonJS'}`
    : 'Node';
  const fw = app.frameworks.length ? ` (${app.frameworks.join(', ')})` : '';
  const entry = app.entrypoint
    ? `entry ${app.entrypoint.path} via ${app.entrypoint.via}${app.entrypoint.script ? ` '${app.entrypoint.script}'` : ''}`
    : 'no entrypoint found';
  const dev = app.devServer ? `, dev server ${app.devServer.tool}` : '';
  return `${appLabel(app)}: ${kind}${fw}, ${entry}${dev}`;
}

export function describeFacts(facts: Facts): string[] {
  if (facts.apps.length === 0) return ['Detected: no Node or Python app.'];
  return ['Detected:', ...facts.apps.map((a) => `  ${describeApp(a)}`)];
}

export function describePlan(changes: FileChange[], notes: PlanNote[]): string[] {
  const lines: string[] = [];
  if (changes.length) {
    const width = Math.max(...changes.map((c) => c.path.length));
    lines.push('Plan:');
    for (const c of changes) {
      const { added, removed } = diffStat(c);
      lines.push(`  ${c.before === null ? 'create' : 'update'}  ${c.path.padEnd(width)}  +${added} -${removed}  ${c.reason}`);
    }
  }
  for (const n of notes) lines.push(`${n.level === 'warn' ? 'warning' : 'note'}: ${n.file ? `${n.file}: ` : ''}${n.message}`);
  return lines;
}
