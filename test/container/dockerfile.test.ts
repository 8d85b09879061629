import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { messagesOf } from '../../src/core/edit-result.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { patchDockerfile, type DockerfilePatchOptions } from '../../src/edits/dockerfile/patch.js';
import { parseStages } from '../../src/detect/dockerfile-stages.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'dockerfile');
const cases = readdirSync(fixtures).sort();

function load(name: string): { source: string; options: DockerfilePatchOptions } {
  const dir = join(fixtures, name);
  const optionsFile = join(dir, 'options.json');
  const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as DockerfilePatchOptions) : {};
  return { source: readFileSync(join(dir, 'Dockerfile'), 'utf8'), options };
}

/**
 * The source lines, minus those of the final stage's CMD/ENTRYPOINT/STOPSIGNAL (which the patch may
 * rewrite), must appear in the output unchanged and in the same order.
 */
function keptInOrder(source: string, output: string): boolean {
  const { stages } = parseStages(source);
  const owned = new Set<number>();
  for (const i of stages[stages.length - 1]!.instructions) {
    if (['CMD', 'ENTRYPOINT', 'STOPSIGNAL'].includes(i.getKeyword())) {
      for (let l = i.getRange().start.line; l <= i.getRange().end.line; l++) owned.add(l);
    }
  }
  const out = output.split(/\r?\n/);
  let at = 0;
  return source.split(/\r?\n/).every((line, n) => {
    if (owned.has(n)) return true;
    while (at < out.length && out[at] !== line) at++;
    return at++ < out.length;
  });
}

describe('patchDockerfile fixtures', () => {
  it('has at least 20 Dockerfile shapes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', async (name) => {
    const { source, options } = load(name);
    const result = patchDockerfile(source, options);
    const output = result.text === false ? source : result.text;
    await expect(output).toMatchFileSnapshot(`../../snapshots/dockerfile/${name}/Dockerfile`);
    await expect(
      messagesOf(result, 'warn')
        .map((w) => `- ${w}\n`)
        .join(''),
    ).toMatchFileSnapshot(`../../snapshots/dockerfile/${name}/warnings.txt`);

    // Idempotent: the patched file needs nothing more.
    expect(patchDockerfile(output, options).text).toBe(false);

    // Every original line is still there, in order: we only insert lines or rewrite instructions we own.
    expect(keptInOrder(source, output)).toBe(true);
    // CRLF files stay CRLF: no bare LF appears.
    if (source.includes('\r\n')) expect(output.replace(/\r\n/g, '')).not.toContain('\n');
  });
});

describe('patchDockerfile behaviour', () => {
  it('routes node through tini with SIGTERM, installed the Alpine way', () => {
    const { source } = load('alpine');
    const result = patchDockerfile(source);
    expect(result.data).toMatchObject({ family: 'alpine', runtime: 'node', stopSignal: 'SIGTERM', init: 'tini' });
    const out = result.text as string;
    expect(out).toContain('RUN apk add --no-cache tini');
    expect(out).toContain('ENTRYPOINT ["/sbin/tini", "--"]');
  });

  it('uses apt on Debian and Ubuntu, /usr/bin/tini', () => {
    for (const name of ['debian-slim', 'ubuntu']) {
      const out = patchDockerfile(load(name).source).text as string;
      expect(out).toMatch(/apt-get install -y --no-install-recommends tini/);
      expect(out).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    }
  });

  it('copies a static tini from a build stage for distroless, scratch and UBI, keeping the image entrypoint', () => {
    for (const name of ['distroless', 'scratch', 'ubi']) {
      const result = patchDockerfile(load(name).source, load(name).options);
      const out = result.text as string;
      expect(out).toMatch(/COPY --from=tini \/usr\/bin\/tini-static \/usr\/bin\/tini/);
      expect(parseStages(out).stages.length).toBe(parseStages(load(name).source).stages.length + 1);
    }
    expect(patchDockerfile(load('distroless').source).text).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/nodejs/bin/node"]');
    expect(patchDockerfile(load('scratch').source, { runtime: 'node' }).text).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/server"]');
  });

  it("gives the tini stage the final stage's --platform", () => {
    const out = patchDockerfile(load('platform').source).text as string;
    expect(out).toContain('FROM --platform=$TARGETPLATFORM debian:bookworm-slim AS tini');
    expect(out).toContain('FROM --platform=$BUILDPLATFORM node:20-bookworm AS build');
  });

  it('resolves ARG-based FROM to pick the family', () => {
    const result = patchDockerfile(load('arg-from').source);
    expect(result.data.image).toBe('node:20.11-alpine3.19');
    expect(result.data.family).toBe('alpine');
  });

  it('does not add a second init next to tini or dumb-init', () => {
    for (const name of ['existing-tini', 'dumb-init']) {
      const { source, options } = load(name);
      const out = patchDockerfile(source, options).text as string;
      expect(out.match(/ENTRYPOINT/g)?.length).toBe(1);
      expect(out).not.toMatch(/apk add --no-cache tini\n.*apk add/s);
      expect(out).toContain('STOPSIGNAL SIGTERM');
    }
  });

  it('replaces npm start with what the script runs, and warns about a skipped prestart', () => {
    const { source, options } = load('npm-start');
    const result = patchDockerfile(source, options);
    expect(result.text).toContain('CMD ["node", "--enable-source-maps", "server.js"]');
    expect(messagesOf(result, 'warn').join('\n')).toMatch(/prestart/);
  });

  it('keeps npm start with a warning when the script is not a single command', () => {
    const { source, options } = load('npm-start-unresolved');
    const result = patchDockerfile(source, options);
    expect(result.text).toContain('CMD ["npm", "start"]');
    expect(messagesOf(result, 'warn').join('\n')).toMatch(/npm stays between tini and the app/);
  });

  it('sends SIGQUIT to nginx and php-fpm and adds no tini there', () => {
    for (const name of ['nginx-stage', 'php-fpm']) {
      const result = patchDockerfile(load(name).source);
      expect(result.data.stopSignal).toBe('SIGQUIT');
      expect(result.text).not.toContain('tini');
    }
    expect(patchDockerfile(load('nginx-stage').source).text).toContain('CMD ["nginx", "-g", "daemon off;"]');
  });

  it('keeps a shell where the command needs one, with exec so the app replaces it', () => {
    const out = patchDockerfile(load('shell-form-env').source).text as string;
    expect(out).toContain('CMD ["/bin/sh", "-c", "cd /app && exec uvicorn main:app --host 0.0.0.0 --port $PORT"]');
  });

  it('switches to root to install tini when an earlier stage set another user, then back', () => {
    const out = patchDockerfile(load('nonroot-parent').source).text as string;
    expect(out).toContain('FROM base\nUSER root\nRUN apk add --no-cache tini\nUSER node\n');
  });

  it('re-declares a CMD inherited from an earlier stage, since a new ENTRYPOINT resets it', () => {
    const source = 'FROM node:20-alpine AS base\nCMD ["node", "server.js"]\n\nFROM base\nCOPY . .\n';
    const out = patchDockerfile(source).text as string;
    expect(out).toMatch(/ENTRYPOINT \["\/sbin\/tini", "--"\]\nCMD \["node", "server.js"\]\n$/);
  });

  it('reports a file without FROM instead of throwing', () => {
    const result = patchDockerfile('# nothing here\n');
    expect(result.text).toBe(false);
    expect(messagesOf(result, 'warn')[0]).toMatch(/no FROM/);
  });
});
