/**
 * The Node repos the image tests run the tool on (test/images/repos/), each written after the
 * shape of real public repos: layout, manifests, start scripts, lockfiles. Every app answers GET /
 * at once and GET /slow after 1 s, and reads PORT.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const REPOS_DIR = join(import.meta.dirname, 'repos');

export interface CorpusRepo {
  name: string;
  /** What real repos of this shape look like, in a line. */
  shape: string;
  /** Dockerfiles (repo-relative) the tool must create or patch. */
  dockerfiles: string[];
}

export const CORPUS: CorpusRepo[] = [
  { name: 'npm-plain', shape: 'express, package-lock.json, no Dockerfile', dockerfiles: ['Dockerfile'] },
  { name: 'ts-build-user', shape: 'TypeScript express with a two-stage Dockerfile, USER node, CMD npm start', dockerfiles: ['Dockerfile'] },
  {
    name: 'npm-workspaces',
    shape: 'npm workspaces: apps/api uses packages/shared, root lockfile only',
    dockerfiles: ['apps/api/Dockerfile'],
  },
  { name: 'pnpm-catalogs', shape: 'pnpm workspace with catalog: versions and workspace:* deps', dockerfiles: ['apps/api/Dockerfile'] },
  { name: 'yarn-workspaces', shape: 'Yarn 1 workspaces, root yarn.lock, koa API on 4000', dockerfiles: ['packages/api/Dockerfile'] },
  { name: 'nestjs', shape: 'NestJS starter: start = nest start, start:prod = node dist/main', dockerfiles: ['Dockerfile'] },
  { name: 'express-www', shape: 'express-generator: bin/www creates the server, start = node ./bin/www', dockerfiles: ['Dockerfile'] },
  { name: 'fastify-esm', shape: 'Fastify 5, ESM, listen({ port, host })', dockerfiles: ['Dockerfile'] },
  // tej4360/catalogue (`COPY server.js .`, `COPY package.json ./`), realSchoki/twitch-pomo-timer-chat-bot
  // (`COPY index.js .` beside the manifests): the final stage copies an explicit list of files, so a new
  // module beside the entry is not in the image unless the list names it.
  {
    name: 'npm-copy-list',
    shape: 'express; final stage copies `package*.json server.js ./` and `lib`, plus a built dist/ from a build stage; USER node',
    dockerfiles: ['Dockerfile'],
  },
];

/** A fresh copy of a corpus repo in a temp dir. */
export function copyCorpusRepo(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-image-${name}-`));
  cpSync(join(REPOS_DIR, name), dir, { recursive: true });
  return dir;
}

/** path → sha256 of every file under dir. */
export function hashFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === '.git') continue;
      const abs = join(d, e);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.set(relative(dir, abs), createHash('sha256').update(readFileSync(abs)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The build context a Dockerfile's header names (`# Build: docker build -f apps/api/Dockerfile .`), else its directory. */
export function buildContextOf(dockerfilePath: string, text: string): string {
  const header = /^# Build: docker build (?:-f \S+ )?(\S+)\s*$/m.exec(text);
  if (header) return header[1] === '.' ? '' : header[1]!;
  const dir = dockerfilePath.includes('/') ? dockerfilePath.slice(0, dockerfilePath.lastIndexOf('/')) : '';
  return dir;
}
