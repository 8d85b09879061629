/**
 * stageFacts (detect/stage-run.ts) is the reading the Dockerfile edit builds on and the compose and
 * k8s parts ask instead of running the edit: over every Dockerfile fixture it says what the edit's own
 * `stage` result says before the edit adds tini, and it reads USER and the command as words.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageFacts } from '../../src/detect/dockerfile-facts.js';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/dockerfile');
const cases = readdirSync(FIXTURES).sort();

describe('stageFacts agrees with the Dockerfile edit', () => {
  it.each(cases)('%s', (name) => {
    const source = readFileSync(join(FIXTURES, name, 'Dockerfile'), 'utf8');
    const options = { runtime: 'node' as const, scripts: { start: 'node server.js' } };
    const facts = stageFacts(source, options);
    const { data: stage } = patchDockerfile(source, options);
    expect({ image: facts.image, family: facts.family, runtime: facts.runtime, stopSignal: facts.stopSignal }).toEqual({
      image: stage.image,
      family: stage.family,
      runtime: stage.runtime,
      stopSignal: stage.stopSignal,
    });
    // The edit's init is the stage's, or the tini it adds where one can go in front of the command.
    expect(stage.init).toBe(facts.init ?? (facts.initCanWrap && !['nginx', 'php-fpm', 'httpd'].includes(facts.runtime) ? 'tini' : null));
  });
});

describe('stageFacts reads what the running stage starts', () => {
  it('USER and the command words, with an npm script followed and an inherited USER', () => {
    const source = 'FROM node:22-slim AS base\nUSER node\nFROM base\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD npm start\n';
    expect(stageFacts(source, { scripts: { start: 'node dist/main.js' } })).toMatchObject({
      family: 'debian',
      user: 'node',
      init: 'tini',
      writtenInit: 'tini',
      command: ['/usr/bin/tini', '--', 'node', 'dist/main.js'],
      runtime: 'node',
    });
  });

  it('a compose build.target stage, and a shell ENTRYPOINT that no init can wrap', () => {
    const source = 'FROM nginx:1.27 AS web\nFROM python:3.12-slim AS api\nENTRYPOINT ./run.sh && exec gunicorn app:app\n';
    expect(stageFacts(source, { stage: 'web' })).toMatchObject({ runtime: 'nginx', stopSignal: 'SIGQUIT', user: null });
    expect(stageFacts(source)).toMatchObject({ family: 'debian', init: null, initCanWrap: false });
  });
});
