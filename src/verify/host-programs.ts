/**
 * Mapping a production command onto this machine: the container's init is this machine's (an
 * image's /sbin/tini is Debian's /usr/bin/tini here), and Python runs through an interpreter that
 * has what the command needs (the one on PATH, else the system /usr/bin/python3, where the
 * distribution's packages live; a launcher that is not installed as a script runs as
 * `python -m launcher`); a port the command fixes is replaced by the free one verify listens on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, posix } from 'node:path';

const INITS = new Set(['tini', 'dumb-init']);
const PYTHON = /^python(\d(\.\d+)?)?$/;
/** Launchers that are Python modules: runnable as `python3 -m name` when no script is installed. */
const PY_LAUNCHERS: Record<string, string> = {
  uvicorn: 'uvicorn',
  gunicorn: 'gunicorn',
  flask: 'flask',
  hypercorn: 'hypercorn',
  daphne: 'daphne',
  fastapi: 'fastapi',
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

/** Whether `python` can import `module`. A port, so tests and callers can answer it without spawning. */
export type CanImport = (python: string, module: string) => boolean;

export const canImport: CanImport = (python, module) =>
  spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 15_000 }).status === 0;

/** The first interpreter (PATH's python3, python, then the system one) that can import `module`. */
function pythonWith(module: string | null, pathEnv: string, probe: CanImport): string | null {
  const candidates = [
    ...new Set([which('python3', pathEnv), which('python', pathEnv), existsSync(SYSTEM_PYTHON) ? SYSTEM_PYTHON : null]),
  ].filter((p): p is string => p !== null);
  if (module === null) return candidates[0] ?? null;
  return candidates.find((p) => probe(p, module)) ?? null;
}

/**
 * @param needs the module the app itself needs (its framework: `flask`, `fastapi`), for `python app.py`
 */
export function mapToHost(argv: readonly string[], pathEnv: string, needs: string | null = null, probe: CanImport = canImport): Mapped {
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
  if (PYTHON.test(base)) {
    const module = out[p + 1] === '-m' ? (out[p + 2] ?? null) : needs;
    const own = which(program, pathEnv);
    if (own && (module === null || probe(own, module))) return { argv: out, notes };
    const other = pythonWith(module, pathEnv, probe);
    if (other && other !== program) {
      notes.push(`${program} runs as ${other}${module ? ` (it has ${module})` : ''}`);
      out[p] = other;
    }
  } else if (PY_LAUNCHERS[base] !== undefined && !isAbsolute(program) && !which(base, pathEnv)) {
    const python = pythonWith(PY_LAUNCHERS[base]!, pathEnv, probe);
    if (python) {
      notes.push(`${base} runs as ${python} -m ${PY_LAUNCHERS[base]}`);
      out.splice(p, 1, python, '-m', PY_LAUNCHERS[base]!);
    }
  }
  return { argv: out, notes };
}

/** The same mapping for the commands of a `sh -c` script (at its start, after `exec`, `&&`, `||`, `;`). */
export function mapShellScript(
  script: string,
  pathEnv: string,
  needs: string | null = null,
  probe: CanImport = canImport,
): { script: string; notes: string[] } {
  const notes: string[] = [];
  const out = script.replace(
    /(^|&&|\|\||;)(\s*(?:exec\s+)?)([A-Za-z0-9_./-]+)(?=\s|$)/g,
    (whole, lead: string, space: string, word: string) => {
      const mapped = mapToHost([word], pathEnv, needs, probe);
      if (mapped.argv.length === 1 && mapped.argv[0] === word) return whole;
      notes.push(...mapped.notes);
      return `${lead}${space}${mapped.argv.join(' ')}`;
    },
  );
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
