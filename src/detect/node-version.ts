/**
 * The oldest Node version a repo says it runs on: package.json `engines.node`, `.nvmrc`, `.node-version`,
 * and the `FROM node:N` (or distroless nodejsN) image of its Dockerfiles. The generated module needs a floor.
 */
import { posix } from 'node:path';
import type { NodeTarget } from './facts.js';
import type { RepoFiles } from './repo-files.js';

/** nvm's LTS code names. */
const LTS_NAMES: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

/** Lowest major a semver range accepts, as far as it can be read ("^14.17 || >=16" → 14); null for none. */
export function lowestMajor(range: string): number | null {
  const majors = [...range.matchAll(/(?:^|[\s|,<>=^~v])(\d+)(?=[.\sx*|,]|$)/g)].map((m) => Number(m[1]));
  // An upper bound alone ("<16") still says the repo runs below 16.
  return majors.length ? Math.min(...majors) : null;
}

function fromVersionFile(text: string): number | null {
  const value = text.trim().split(/\s/)[0]?.toLowerCase() ?? '';
  const lts = /^lts\/(\w+)$/.exec(value);
  if (lts) return LTS_NAMES[lts[1]!] ?? null;
  const n = /^v?(\d+)/.exec(value);
  return n ? Number(n[1]) : null;
}

/** The image the last stage of a Dockerfile runs (multi-stage builds: what is shipped). */
function fromDockerfile(text: string): number | null {
  const froms = [...text.matchAll(/^\s*FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1]!.toLowerCase());
  const last = froms[froms.length - 1];
  if (!last) return null;
  const official = /(?:^|\/)node:v?(\d+)/.exec(last);
  if (official) return Number(official[1]);
  const distroless = /distroless\/nodejs(\d+)/.exec(last);
  return distroless ? Number(distroless[1]) : null;
}

/** The lowest declared Node major of the package at `dir` (its files, then the repo root's), or null. */
export function detectNodeTarget(files: RepoFiles, dir: string, engines: unknown): NodeTarget | null {
  const found: NodeTarget[] = [];
  const manifest = dir ? `${dir}/package.json` : 'package.json';
  if (typeof engines === 'string') {
    const major = lowestMajor(engines);
    if (major !== null) found.push({ major, source: `engines.node "${engines}"`, file: manifest });
  }
  const dirs = dir ? [dir, ''] : [''];
  for (const d of dirs) {
    for (const name of ['.nvmrc', '.node-version']) {
      const file = d ? `${d}/${name}` : name;
      const text = files.read(file);
      const major = text === null ? null : fromVersionFile(text);
      if (major !== null) found.push({ major, source: `${name} "${text!.trim()}"`, file });
    }
  }
  for (const file of files.list) {
    const base = posix.basename(file);
    if (!/^(Dockerfile|Containerfile)(\..*)?$|\.Dockerfile$/i.test(base)) continue;
    const fileDir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    if (fileDir !== dir && fileDir !== '') continue;
    const text = files.read(file);
    const major = text === null ? null : fromDockerfile(text);
    if (major !== null) found.push({ major, source: `FROM node:${major}`, file });
  }
  return found.reduce<NodeTarget | null>((low, t) => (low === null || t.major < low.major ? t : low), null);
}
