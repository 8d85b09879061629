/**
 * Random Dockerfiles built from real-world pieces: the patch never throws, never loses a line it
 * does not own, keeps line endings, and a second run changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';
import { parseStages } from '../../src/detect/dockerfile-stages.js';

const FROMS = [
  'FROM node:20-alpine',
  'FROM node:20-bookworm-slim',
  'FROM ubuntu:24.04',
  'FROM gcr.io/distroless/nodejs20-debian12',
  'FROM scratch',
  'FROM registry.access.redhat.com/ubi9/ubi-minimal',
  'FROM --platform=$TARGETPLATFORM python:3.12-slim',
  'FROM nginx:1.27',
  'FROM ${BASE}',
  'FROM php:8.3-fpm',
  'from node:20-alpine',
];
const BODY = [
  'WORKDIR /app',
  'COPY . .',
  'RUN npm ci',
  'RUN apt-get update \\\n && echo hi',
  '# a comment',
  '',
  'ENV A=1',
  'USER node',
  'RUN <<EOF\necho x\n# not a comment\nEOF',
  'EXPOSE 3000',
  'ARG X=1',
  'SHELL ["/bin/bash", "-c"]',
  'RUN apk add --no-cache tini',
];
const COMMANDS = [
  'CMD node server.js',
  'CMD ["node", "server.js"]',
  'CMD npm start',
  'CMD ["npm", "run", "serve"]',
  'CMD cd /app && node s.js',
  'CMD uvicorn m:app --port $PORT',
  'CMD ["sh", "-c", "node s.js"]',
  "CMD ['node', 's.js']",
  'CMD node \\\n  server.js',
  'ENTRYPOINT ["docker-entrypoint.sh"]',
  'ENTRYPOINT ["/sbin/tini", "--"]',
  'ENTRYPOINT node s.js',
  'STOPSIGNAL SIGINT',
  'CMD ["gunicorn", "app:app"]',
  'CMD nginx -g "daemon off;"',
  'CMD a | b',
];

const dockerfile = fc
  .record({
    builder: fc.boolean(),
    from: fc.constantFrom(...FROMS),
    as: fc.boolean(),
    body: fc.array(fc.constantFrom(...BODY), { maxLength: 6 }),
    commands: fc.array(fc.constantFrom(...COMMANDS), { maxLength: 3 }),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map((d) => {
    const lines = [
      'ARG BASE=node:20-alpine',
      ...(d.builder ? ['FROM node:20 AS build', 'RUN npm run build', ''] : []),
      d.from + (d.as ? ' AS runtime' : ''),
      ...d.body,
      ...d.commands,
    ];
    const eol = d.crlf ? '\r\n' : '\n';
    return lines.join('\n').replace(/\n/g, eol) + (d.finalNewline ? eol : '');
  });

const scripts = { start: 'node server.js', serve: 'node --enable-source-maps server.js' };

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

describe('patchDockerfile on generated Dockerfiles', () => {
  it('keeps unowned lines, line endings, and is idempotent', () => {
    fc.assert(
      fc.property(dockerfile, (source) => {
        const first = patchDockerfile(source, { scripts });
        const output = first.text === false ? source : first.text;
        expect(keptInOrder(source, output)).toBe(true);
        if (source.includes('\r\n')) expect(output.replace(/\r\n/g, '')).not.toContain('\n');
        expect(patchDockerfile(output, { scripts }).text).toBe(false);
        const stages = parseStages(output).stages;
        const final = stages[stages.length - 1]!;
        expect(final.instructions.some((i) => i.getKeyword() === 'STOPSIGNAL')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
