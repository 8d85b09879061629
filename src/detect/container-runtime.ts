/**
 * What a container runs, read from its command words, and the signal that stops it gracefully.
 */

export type Runtime = 'node' | 'python' | 'python-uvicorn' | 'python-gunicorn' | 'nginx' | 'php-fpm' | 'httpd';

/** The signal each server treats as "finish what you are doing, then exit". */
export function stopSignalFor(runtime: Runtime): string {
  switch (runtime) {
    case 'nginx':
    case 'php-fpm':
      return 'SIGQUIT';
    case 'httpd':
      return 'SIGWINCH';
    default:
      return 'SIGTERM';
  }
}

/** Servers that are built to run as PID 1 (they reap workers and handle their stop signal). */
export function isOwnInit(runtime: Runtime): boolean {
  return runtime === 'nginx' || runtime === 'php-fpm' || runtime === 'httpd';
}

const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'docker-init', 'catatonit']);

/** Basename of a path-like word. */
export function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The init in a command (tini, dumb-init, s6-overlay's /init...), or null. */
export function initIn(words: readonly string[]): string | null {
  for (const w of words) {
    const base = basename(w);
    if (INITS.has(base)) return base;
    if (w === '/init') return 's6-overlay';
  }
  return null;
}

/** Skip inits, their flags and `--`, `exec` and `env`, to reach the program that does the work. */
export function programWords(words: readonly string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    const base = basename(w);
    if (INITS.has(base) || w === '/init' || base === 'exec') {
      i++;
      while (i < words.length && words[i]!.startsWith('-')) {
        if (words[i] === '--') {
          i++;
          break;
        }
        i++;
      }
      continue;
    }
    if (/^(sh|bash|ash|dash)$/.test(base)) {
      // A shell's -c script: what runs is its last command.
      const c = words.indexOf('-c', i);
      const script = c >= 0 ? words[c + 1] : undefined;
      if (script === undefined) return words.slice(i);
      const last = script.split(/&&|;/).pop()!.trim().split(/\s+/);
      return programWords(last);
    }
    if (base === 'env') {
      i++;
      while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || words[i]!.startsWith('-'))) i++;
      continue;
    }
    break;
  }
  return words.slice(i);
}

/** The runtime a command runs, or null when the words do not say (an entrypoint script, a binary). */
export function runtimeOfCommand(words: readonly string[]): Runtime | null {
  const prog = programWords(words);
  const first = prog[0];
  if (first === undefined) return null;
  const base = basename(first);
  if (/^(node|nodejs|bun|tsx|ts-node)$/.test(base)) return 'node';
  if (/^(npm|yarn|pnpm|npx)$/.test(base)) return 'node';
  if (base === 'uvicorn' || base === 'fastapi') return 'python-uvicorn';
  if (base === 'gunicorn') return 'python-gunicorn';
  if (/^python(\d(\.\d+)?)?$/.test(base)) {
    const m = prog.indexOf('-m');
    const mod = m >= 0 ? prog[m + 1] : undefined;
    if (mod === 'uvicorn' || mod === 'fastapi') return 'python-uvicorn';
    if (mod === 'gunicorn') return 'python-gunicorn';
    return 'python';
  }
  if (base === 'nginx' || base === 'openresty') return 'nginx';
  if (base.startsWith('php-fpm')) return 'php-fpm';
  if (base === 'httpd-foreground' || base === 'apache2-foreground' || base === 'httpd') return 'httpd';
  return null;
}
