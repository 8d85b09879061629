/**
 * Node images get the generated module: a final stage that copies an explicit list of files
 * (`COPY package*.json server.js ./`, the shape of tej4360/catalogue and
 * realSchoki/twitch-pomo-timer-chat-bot) has no shutdown.js, and the patched image then stops at
 * start with "Cannot find module './shutdown'". copyGeneratedFiles() names the module where the
 * entry is copied; a TypeScript entry gets it in the stage that compiles it. Nothing changes where
 * the module is copied already (a directory or the whole context). The image itself is built and
 * run in test/images/build-run.test.ts (corpus repo npm-copy-list).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyGeneratedFiles, dockerignoreMatcher, imagePaths, type GeneratedFile } from '../../src/edits/dockerfile/copy-files.js';
import { runCli } from '../helpers/tree.js';

const MODULE: GeneratedFile = { path: 'shutdown.js', at: 'entry' };
const copy = (source: string, entry: string, files: GeneratedFile[], more: { compiled?: boolean; dockerignore?: string } = {}) =>
  copyGeneratedFiles(source, {
    entry,
    files,
    ...(more.compiled ? { compiled: true } : {}),
    ...(more.dockerignore !== undefined ? { ignored: dockerignoreMatcher(more.dockerignore) } : {}),
  });

describe('copyGeneratedFiles for Node entries', () => {
  it('extends `COPY package*.json server.js ./` and leaves the --from copy of the build output alone', () => {
    const source = [
      'FROM node:22-slim AS build',
      'WORKDIR /usr/src/app',
      'COPY . .',
      'RUN npm run build',
      '',
      'FROM node:22-slim',
      'WORKDIR /usr/src/app',
      'COPY package*.json server.js ./',
      'COPY lib ./lib',
      'COPY --from=build /usr/src/app/dist ./dist',
      'USER node',
      'CMD ["node", "server.js"]',
      '',
    ].join('\n');
    const result = copy(source, 'server.js', [MODULE]);
    expect(result.text).toBe(source.replace('COPY package*.json server.js ./', 'COPY package*.json server.js shutdown.js ./'));
    expect(result.data.added).toEqual(['shutdown.js']);
    // Idempotent, and never a second copy of it.
    expect(copy(result.text as string, 'server.js', [MODULE]).text).toBe(false);
  });

  it('copies beside the entry, not in the WORKDIR, when the entry sits in a subdirectory (`COPY src/index.js .`)', () => {
    const source = 'FROM node\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY src/index.js .\nCMD [ "node", "index.js" ]\n';
    expect(copy(source, 'src/index.js', [{ path: 'src/shutdown.js', at: 'entry' }]).text).toBe(
      'FROM node\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY src/index.js src/shutdown.js .\nCMD [ "node", "index.js" ]\n',
    );
  });

  it('single-file copies one per line (`COPY index.js .`): a line after the entry, with its --chown', () => {
    const source = 'FROM node\nCOPY package.json .\nCOPY --chown=node:node index.js /home/node/index.js\nUSER node\nCMD node index.js\n';
    expect(copy(source, 'index.js', [MODULE]).text).toBe(
      'FROM node\nCOPY package.json .\nCOPY --chown=node:node index.js /home/node/index.js\nCOPY --chown=node:node shutdown.js /home/node/\nUSER node\nCMD node index.js\n',
    );
  });

  it('leaves a Dockerfile that copies the whole context or the directory holding the module', () => {
    expect(
      copy('FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["node", "server.js"]\n', 'server.js', [
        MODULE,
      ]).text,
    ).toBe(false);
    expect(
      copy('FROM node:22-slim\nWORKDIR /app\nCOPY --chown=node:node ./app .\nCMD ["node", "index.js"]\n', 'app/index.js', [
        { path: 'app/shutdown.js', at: 'entry' },
      ]).text,
    ).toBe(false);
    expect(
      copy('FROM node:lts\nWORKDIR /app\nCOPY --chown=node:node *.js ./\nCMD ["node", "server.js"]\n', 'server.js', [MODULE]).text,
    ).toBe(false);
  });

  it('TypeScript built in the image: the build stage copying src/ covers the module, the final stage is not touched', () => {
    const source = [
      'FROM node:20-slim AS build',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci',
      'COPY tsconfig.json ./',
      'COPY src ./src',
      'RUN npm run build',
      '',
      'FROM node:20-slim',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci --omit=dev',
      'COPY --from=build /app/dist ./dist',
      'CMD ["node", "dist/main.js"]',
      '',
    ].join('\n');
    const result = copy(source, 'src/main.ts', [{ path: 'src/shutdown.ts', at: 'entry' }], { compiled: true });
    expect(result).toEqual({ text: false, notes: [], data: { added: [], manual: [], entryNotCopied: false } });
  });

  it('TypeScript whose build stage lists its sources: the module joins the list there', () => {
    const source = [
      'FROM node:22-slim AS build',
      'WORKDIR /app',
      'COPY package*.json tsconfig.json ./',
      'RUN npm ci',
      'COPY src/main.ts src/app.ts ./src/',
      'RUN npx tsc',
      '',
      'FROM node:22-slim',
      'WORKDIR /app',
      'COPY --from=build /app/dist ./dist',
      'CMD ["node", "dist/main.js"]',
      '',
    ].join('\n');
    const result = copy(source, 'src/main.ts', [{ path: 'src/shutdown.ts', at: 'entry' }], { compiled: true });
    expect(result.text).toBe(source.replace('COPY src/main.ts src/app.ts ./src/', 'COPY src/main.ts src/app.ts src/shutdown.ts ./src/'));
    // Without `compiled` (a Python entry, or JavaScript run as is) the build stage is not the image: nothing is said.
    expect(copy(source, 'src/main.ts', [{ path: 'src/shutdown.ts', at: 'entry' }]).data.entryNotCopied).toBe(true);
  });

  it('an entry the final stage inherits (`FROM base AS production`): the list in the stage that copies it grows', () => {
    const source = [
      'FROM node:20-slim AS base',
      'WORKDIR /app',
      'COPY package*.json ./',
      'RUN npm ci --omit=dev',
      'COPY server.js db.js ./',
      '',
      'FROM base AS production',
      'ENV NODE_ENV=production',
      'USER node',
      'CMD ["node", "server.js"]',
      '',
    ].join('\n');
    const result = copy(source, 'server.js', [MODULE]);
    expect(result.text).toBe(source.replace('COPY server.js db.js ./', 'COPY server.js db.js shutdown.js ./'));
    expect(result.data.manual).toEqual([]);
    // Copied by the final stage itself already: not copied a second time in the base.
    expect(copy(`${source}COPY shutdown.js ./\n`, 'server.js', [MODULE]).text).toBe(false);
  });

  it("a WORKDIR set after the COPY of the entry does not move the new line's destination", () => {
    const source = 'FROM node:22-slim\nCOPY --chown=node:node index.js /srv/app/index.js\nWORKDIR /srv/app\nCMD ["node", "index.js"]\n';
    const result = copy(source, 'index.js', [MODULE]);
    expect(result.text).toBe(
      'FROM node:22-slim\nCOPY --chown=node:node index.js /srv/app/index.js\nCOPY --chown=node:node shutdown.js /srv/app/\nWORKDIR /srv/app\nCMD ["node", "index.js"]\n',
    );
    expect(imagePaths(result.text as string, ['index.js', 'shutdown.js']).get('/srv/app/shutdown.js')).toBe('shutdown.js');
  });

  it('a .dockerignore allow-list that leaves the module out: the line to add, no Dockerfile edit', () => {
    const source = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
    const result = copy(source, 'server.js', [MODULE], { dockerignore: '*\n!package*.json\n!server.js\n' });
    expect(result.text).toBe(false);
    expect(result.data.manual.map((m) => m.line)).toEqual(['!shutdown.js']);
  });
});

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>, from?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgs-nodecopy-'));
  made.push(dir);
  if (from !== undefined) cpSync(from, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Local files the entry loads (`require('./x')`, `from './x.js'`), as build-context paths. */
function localImports(text: string, entry: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:require\(\s*|from\s+)(['"])(\.\.?\/[^'"]+)\1/g)) {
    const rel = join(dirname(entry), m[2]!).replace(/\\/g, '/');
    out.push(/\.[cm]?js$/.test(rel) ? rel : `${rel}.js`);
  }
  return out;
}

describe('the tool on a Node repo whose Dockerfile copies a list of files', () => {
  it('npm-copy-list (test/images corpus): every local file server.js now loads is in the final stage, once; a re-run changes nothing', () => {
    const dir = repo({}, join(import.meta.dirname, '..', 'images', 'repos', 'npm-copy-list'));
    const cli = runCli(['--yes', dir], { timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const server = readFileSync(join(dir, 'server.js'), 'utf8');
    expect(server).toMatch(/require\('\.\/shutdown'\)/);
    const held = new Set(imagePaths(dockerfile, ['server.js', 'shutdown.js', 'lib/routes.js']).values());
    for (const file of localImports(server, 'server.js')) expect(held.has(file), `${file} is not in the image:\n${dockerfile}`).toBe(true);
    expect(dockerfile.match(/shutdown\.js/g)).toHaveLength(1);
    expect(dockerfile).toContain('COPY package*.json server.js shutdown.js ./\n');
    const again = runCli(['--yes', dir], { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(dockerfile);
  });

  it('no edit for the module when the entry is not wired to it (--only module): the image never loads it', () => {
    const dir = repo({}, join(import.meta.dirname, '..', 'images', 'repos', 'npm-copy-list'));
    const before = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const cli = runCli(['--yes', '--only', 'module,docker', dir], { timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(readFileSync(join(dir, 'shutdown.js'), 'utf8')).toContain('create-graceful-shutdown');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).not.toContain('shutdown.js');
    expect(before).not.toContain('shutdown.js');
  });

  it('TypeScript ESM whose build stage lists its sources: src/shutdown.ts is added there, the final stage keeps copying dist/', () => {
    const dir = repo({
      'package.json': JSON.stringify(
        {
          name: 'api',
          version: '1.0.0',
          type: 'module',
          scripts: { build: 'tsc', start: 'node dist/main.js' },
          dependencies: { express: '^4.21.2' },
          devDependencies: { typescript: '^5.6.0', '@types/express': '^4.17.21' },
        },
        null,
        2,
      ),
      'tsconfig.json': JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            outDir: 'dist',
            rootDir: 'src',
            strict: true,
          },
        },
        null,
        2,
      ),
      'src/main.ts':
        "import express from 'express';\nimport { routes } from './routes.js';\n\nconst app = express();\napp.use(routes);\napp.listen(Number(process.env.PORT ?? 3000));\n",
      'src/routes.ts':
        "import { Router } from 'express';\n\nexport const routes = Router();\nroutes.get('/', (_req, res) => { res.send('ok'); });\n",
      Dockerfile: [
        'FROM node:22-slim AS build',
        'WORKDIR /app',
        'COPY package.json tsconfig.json ./',
        'RUN npm install',
        'COPY src/main.ts src/routes.ts ./src/',
        'RUN npm run build',
        '',
        'FROM node:22-slim',
        'WORKDIR /app',
        'COPY package.json ./',
        'RUN npm install --omit=dev',
        'COPY --from=build /app/dist ./dist',
        'USER node',
        'CMD ["node", "dist/main.js"]',
        '',
      ].join('\n'),
    });
    const cli = runCli(['--yes', dir], { timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(readFileSync(join(dir, 'src/main.ts'), 'utf8')).toContain("from './shutdown.js'");
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY src/main.ts src/routes.ts src/shutdown.ts ./src/\n');
    expect(dockerfile).toContain('COPY --from=build /app/dist ./dist\n');
    expect(dockerfile.match(/shutdown/g)).toHaveLength(1);
  });

  it('a Vite dev image whose Dockerfile lists vite.config.js: the dev-server module the config now imports joins that list', () => {
    const dir = repo({
      'package.json': JSON.stringify(
        { name: 'web', private: true, type: 'module', scripts: { dev: 'vite', build: 'vite build' }, devDependencies: { vite: '^7.0.0' } },
        null,
        2,
      ),
      'vite.config.js': "import { defineConfig } from 'vite';\n\nexport default defineConfig({\n  server: { port: 5173 },\n});\n",
      'index.html': '<script type="module" src="/src/main.js"></script>\n',
      'src/main.js': "document.body.append('hi');\n",
      Dockerfile:
        'FROM node:22-slim\nWORKDIR /app\nCOPY package.json vite.config.js index.html ./\nRUN npm install\nCOPY src ./src\nEXPOSE 5173\nCMD ["npm", "run", "dev", "--", "--host"]\n',
    });
    const cli = runCli(['--yes', dir], { timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(readFileSync(join(dir, 'vite.config.js'), 'utf8')).toContain("from './devserver-shutdown.js'");
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY package.json vite.config.js index.html devserver-shutdown.js ./\n');
    expect(dockerfile.match(/devserver-shutdown/g)).toHaveLength(1);
  });

  it('no Dockerfile is created where the .dockerignore leaves the module out of the context (the image would copy the whole context and not start)', () => {
    const files = {
      'package.json': JSON.stringify(
        { name: 'svc', version: '1.0.0', main: 'server.js', scripts: { start: 'node server.js' }, dependencies: {} },
        null,
        2,
      ),
      'server.js':
        "const http = require('node:http');\nhttp.createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT || 3000));\n",
    };
    const allowList = repo({ ...files, '.dockerignore': '*\n!package.json\n!server.js\n' });
    const cli = runCli(['--yes', allowList], { timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(existsSync(join(allowList, 'Dockerfile'))).toBe(false);
    expect(`${cli.stdout}${cli.stderr}`).toContain(
      'no Dockerfile created: it would need .dockerignore to let shutdown.js into the build context (add `!shutdown.js`)',
    );
    // An ordinary .dockerignore (node_modules, .git): the Dockerfile is created and copies the module with the rest.
    const plain = repo({ ...files, '.dockerignore': 'node_modules\n.git\n' });
    expect(runCli(['--yes', plain], { timeoutMs: 60_000 }).code).toBe(0);
    const created = readFileSync(join(plain, 'Dockerfile'), 'utf8');
    expect(created).toContain('COPY . .\n');
    expect(imagePaths(created, ['server.js', 'shutdown.js'], dockerignoreMatcher('node_modules\n.git\n')).get('/app/shutdown.js')).toBe(
      'shutdown.js',
    );
  });
});
