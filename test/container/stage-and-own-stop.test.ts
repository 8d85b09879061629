import { describe, expect, it } from 'vitest';
import { messagesOf } from '../../src/core/edit-result.js';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';

const TWO_STAGES = [
  'FROM node:22 AS base',
  'WORKDIR /app',
  'COPY . .',
  '',
  'FROM base AS start',
  'ENTRYPOINT [ "npm", "run", "start" ]',
  '',
  'FROM base AS dev',
  'ENTRYPOINT [ "npm", "run", "dev" ]',
  '',
].join('\n');
const scripts = { start: 'node ./src/index.js', dev: 'node --watch ./src/index.js' };

describe('patchDockerfile: the stage compose builds, a stop the app keeps', () => {
  it('patches the stage options.stage names (a compose build.target), not the final one', () => {
    const r = patchDockerfile(TWO_STAGES, { runtime: 'node', scripts, stage: 'start' });
    const text = r.text as string;
    const [start, dev] = text.split('FROM base AS dev');
    expect(start).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "node", "./src/index.js"]');
    expect(start).toMatch(/FROM base AS start\nRUN apt-get update && apt-get install -y --no-install-recommends tini/);
    expect(start).toContain('STOPSIGNAL SIGTERM');
    expect(dev).toBe('\nENTRYPOINT [ "npm", "run", "dev" ]\n');
  });

  it("an exec-form ENTRYPOINT that runs an npm script (no CMD) becomes the script's command", () => {
    const r = patchDockerfile(TWO_STAGES, { runtime: 'node', scripts });
    expect(r.text).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "node", "--watch", "./src/index.js"]');
    expect(r.text).toContain('ENTRYPOINT [ "npm", "run", "start" ]');
  });

  it('a process that keeps its own stop gets no tini, says why, and keeps the rest of the patch', () => {
    const source = 'FROM node:22-slim\nWORKDIR /srv\nCOPY . .\nCMD node src/index.js\n';
    const r = patchDockerfile(source, { runtime: 'node', ownStop: 'src/lifecycle.js handles shutdown itself' });
    expect(r.text).not.toMatch(/tini/);
    expect(r.text).toContain('CMD ["node", "src/index.js"]');
    expect(r.data.init).toBeNull();
    expect(messagesOf(r, 'warn').join('\n')).toMatch(/no tini added: src\/lifecycle\.js handles shutdown itself/);
  });
});
