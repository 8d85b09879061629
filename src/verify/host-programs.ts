/**
 * Mapping a production command onto this machine: the container's init and Python launchers are
 * run as the image would run them, from this machine's files (Debian's tini, and Python servers
 * through the system interpreter /usr/bin/python3, where the distribution's packages live), and a
 * port the command fixes is replaced by the free one verify listens on.
 */
import { existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, posix } from 'node:path';

const INITS = new Set(['tini', 'dumb-init']);
const PYTHON = /^python(\d(\.\d+)?)?$/;
/** Launchers that are Python modules: runnable as `python3 -m name` when no script is installed. */
const PY_LAUNCHERS: Record<string, string> = {
  uvicorn: 'uvicorn', gunicorn: 'gunicorn', flask: 'flask', hypercorn: 'hypercorn', daphne: 'daphne', fastapi: 'fastapi',
};
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface Mapped {
  argv: string[];
  notes: string[];
}

/** Index of the program word: after `exec`, `env`, `VAR=x`, an init and its flags. */
export function programIndex(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length) {
    const w = argv[i]!;
    const base = posix.basename(w);
    if (w === 'exec' || base === 'env' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (INITS.has(base)) {
      i++;
      while (i < argv.length && argv[i]!.startsWith('-')) {
        const flag = argv[i]!;
        i++;
        if (flag === '--') break;
      }
    } else break;
  }
  return i;
}

export function mapToHost(argv: readonly string[], pathEnv: string): Mapped {
  const out = [...argv];
  const notes: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const base = posix.basename(out[i]!);
    if (INITS.has(base) && out[i] !== base && !existsSync(out[i]!)) {
      const host = which(base, pathEnv);
      if (host) {
        notes.push(`${out[i]} is ${host} on this machine`);
        out[i] = host;
      }
    }
  }
  const p = programIndex(out);
  const program = out[p];
  if (program === undefined) return { argv: out, notes };
  const base = posix.basename(program);
  if (PYTHON.test(base) && existsSync(SYSTEM_PYTHON) && program !== SYSTEM_PYTHON) {
    notes.push(`${program} runs as ${SYSTEM_PYTHON}`);
    out[p] = SYSTEM_PYTHON;
  } else if (PY_LAUNCHERS[base] !== undefined && !isAbsolute(program)) {
    const installed = `/usr/bin/${base}`;
    if (existsSync(installed)) {
      if (which(base, pathEnv) !== installed) notes.push(`${base} runs as ${installed}`);
      out[p] = installed;
    } else if (existsSync(SYSTEM_PYTHON) && !which(base, pathEnv)) {
      notes.push(`${base} runs as ${SYSTEM_PYTHON} -m ${PY_LAUNCHERS[base]}`);
      out.splice(p, 1, SYSTEM_PYTHON, '-m', PY_LAUNCHERS[base]!);
    }
  }
  return { argv: out, notes };
}

/** The same mapping for the commands of a `sh -c` script (at its start, after `exec`, `&&`, `||`, `;`). */
export function mapShellScript(script: string, pathEnv: string): { script: string; notes: string[] } {
  const notes: string[] = [];
  const out = script.replace(/(^|&&|\|\||;)(\s*(?:exec\s+)?)([A-Za-z0-9_.\/-]+)(?=\s|$)/g, (whole, lead: string, space: string, word: string) => {
    const mapped = mapToHost([word], pathEnv);
    if (mapped.argv.length === 1 && mapped.argv[0] === word) return whole;
    notes.push(...mapped.notes);
    return `${lead}${space}${mapped.argv.join(' ')}`;
  });
  return { script: out, notes };
}

/** Replaces a port the command fixes (`--port 8000`, `-b 0.0.0.0:8000`, `--bind=:8000`) with `port`. */
export function replacePort(argv: readonly string[], port: number): Mapped {
  const out = [...argv];
  const notes: string[] = [];
  const p = programIndex(out);
  for (let i = p + 1; i < out.length; i++) {
    const w = out[i]!;
    let m: RegExpExecArray | null;
    if ((w === '--port' || w === '-p') && /^\d+$/.test(out[i + 1] ?? '')) {
      notes.push(`${w} ${out[i + 1]} replaced by ${port}`);
      out[i + 1] = String(port);
    } else if ((m = /^(--port=)(\d+)$/.exec(w))) {
      notes.push(`${w} replaced by ${m[1]}${port}`);
      out[i] = `${m[1]}${port}`;
    } else if ((w === '-b' || w === '--bind') && /:\d+$/.test(out[i + 1] ?? '')) {
      const next = out[i + 1]!.replace(/:\d+$/, `:${port}`);
      notes.push(`${w} ${out[i + 1]} replaced by ${next}`);
      out[i + 1] = next;
    } else if ((m = /^(--bind=|-b)(.*:)(\d+)$/.exec(w))) {
      notes.push(`${w} replaced by ${m[1]}${m[2]}${port}`);
      out[i] = `${m[1]}${m[2]}${port}`;
    }
  }
  return { argv: out, notes };
}

export function which(program: string, pathEnv: string): string | null {
  if (program.includes('/')) return isExecutableFile(program) ? program : null;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    const s = statSync(path);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
