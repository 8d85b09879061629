import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectContainer, isComposeName, isDockerfileName } from '../../src/detect/container.js';
import { listRepoFiles } from '../../src/detect/files.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('detectContainer', () => {
  it('finds Dockerfiles, compose files and plain-YAML workloads, not Helm templates or CI files', () => {
    const facts = detectContainer(listRepoFiles(join(here, '..', 'fixtures', 'repos', 'container-detect')));
    expect(facts).toEqual({
      dockerfiles: ['Dockerfile', 'Dockerfile.prod', 'api/api.Dockerfile', 'web/Containerfile'],
      composeFiles: ['compose.yaml', 'docker-compose.override.yml', 'web/docker-compose.dev.yaml'],
      k8sManifests: ['docs/example.yml', 'k8s/app.yaml'],
      helmCharts: ['charts/app'],
    });
  });

  it.each([
    ['Dockerfile', true],
    ['Dockerfile.dev', true],
    ['api.Dockerfile', true],
    ['Containerfile', true],
    ['dockerfile', true],
    ['Dockerfile.dockerignore', true],
    ['Dockerfiles.md', false],
    ['mydockerfile.txt', false],
  ])('Dockerfile name %s → %s', (name, expected) => {
    expect(isDockerfileName(name)).toBe(expected);
  });

  it.each([
    ['docker-compose.yml', true],
    ['docker-compose.prod.yaml', true],
    ['compose.yaml', true],
    ['compose.override.yml', true],
    ['docker-compose.json', false],
    ['composer.yml', false],
    ['my-compose.yml', false],
  ])('compose name %s → %s', (name, expected) => {
    expect(isComposeName(name)).toBe(expected);
  });
});
