/**
 * What a container built from a Dockerfile runs: the final stage's ENTRYPOINT + CMD (shell form
 * through `/bin/sh -c`, as Docker does), its WORKDIR, ENV and STOPSIGNAL. Pure string work.
 */
import { parseStages } from '../detect/dockerfile-stages.js';

export interface ContainerCommand {
  argv: string[];
  /** Which instructions it came from: `ENTRYPOINT + CMD`, `CMD`. */
  from: string;
  workdir: string | null;
  env: Record<string, string>;
  stopSignal: string | null;
}

export function containerCommand(source: string): ContainerCommand | null {
  const { stages } = parseStages(source);
  const final = stages[stages.length - 1];
  if (!final) return null;
  const last = (keyword: string) => final.instructions.filter((i) => i.getKeyword() === keyword).pop();
  const words = (keyword: string): string[] => {
    const text = (last(keyword)?.getArgumentsContent() ?? '').trim();
    if (text === '') return [];
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed as string[];
      } catch {
        // Docker runs an invalid JSON array as a shell command.
      }
    }
    return ['/bin/sh', '-c', text];
  };
  const entrypoint = words('ENTRYPOINT');
  const cmd = words('CMD');
  // A shell-form ENTRYPOINT ignores CMD, as Docker does.
  const argv = entrypoint[0] === '/bin/sh' && entrypoint[1] === '-c' ? entrypoint : [...entrypoint, ...cmd];
  if (argv.length === 0) return null;
  const env: Record<string, string> = {};
  for (const i of final.instructions.filter((x) => x.getKeyword() === 'ENV')) {
    for (const [name, value] of envPairs(i.getArgumentsContent() ?? '')) env[name] = value;
  }
  const workdirs = final.instructions.filter((i) => i.getKeyword() === 'WORKDIR').map((i) => (i.getArgumentsContent() ?? '').trim());
  return {
    argv,
    from: entrypoint.length > 0 && cmd.length > 0 ? 'ENTRYPOINT + CMD' : entrypoint.length > 0 ? 'ENTRYPOINT' : 'CMD',
    workdir: workdirs.reduce<string | null>((at, w) => (w.startsWith('/') || at === null ? w : `${at.replace(/\/$/, '')}/${w}`), null),
    env,
    stopSignal: (last('STOPSIGNAL')?.getArgumentsContent() ?? '').trim() || null,
  };
}

/** `ENV A=1 B="two words"` and the old `ENV A 1` form. */
function envPairs(text: string): [string, string][] {
  const trimmed = text.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(trimmed)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/s.exec(trimmed);
    return m ? [[m[1]!, m[2]!.trim()]] : [];
  }
  const out: [string, string][] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const m of trimmed.matchAll(re)) {
    let value = m[2] ?? '';
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (value.startsWith("'")) value = value.slice(1, -1);
    out.push([m[1]!, value]);
  }
  return out;
}
