/**
 * Container files of the repo: Dockerfiles, compose files, and plain-YAML Kubernetes manifests
 * with workloads. Helm chart templates (`{{ }}`) are not plain YAML and are left out.
 */
import { posix } from 'node:path';
import type { ContainerFacts } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { isK8sManifest } from '../edits/k8s.js';

/** Dockerfile, Dockerfile.prod, api.Dockerfile, Containerfile (podman's name for the same thing). */
export function isDockerfileName(name: string): boolean {
  return /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/.test(name) || /^[\w.-]+\.(Dockerfile|Containerfile)$/i.test(name) ||
    name.toLowerCase() === 'dockerfile';
}

/** docker-compose.yml, docker-compose.prod.yaml, compose.yaml, compose.override.yml. */
export function isComposeName(name: string): boolean {
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(name);
}

export function detectContainer(files: RepoFiles): ContainerFacts {
  const dockerfiles: string[] = [];
  const composeFiles: string[] = [];
  const k8sManifests: string[] = [];
  for (const path of files.list) {
    const name = posix.basename(path);
    if (isDockerfileName(name) && !name.endsWith('.dockerignore')) {
      dockerfiles.push(path);
    } else if (isComposeName(name)) {
      composeFiles.push(path);
    } else if (/\.ya?ml$/i.test(name) && !isCiOrChart(path, files)) {
      const text = files.read(path);
      if (text !== null && /^\s*kind:\s*(Deployment|StatefulSet|DaemonSet|Job|CronJob)\b/m.test(text) &&
          !text.includes('{{') && isK8sManifest(text)) {
        k8sManifests.push(path);
      }
    }
  }
  return { dockerfiles, composeFiles, k8sManifests };
}

/** CI workflows and Helm chart templates look like YAML manifests but are not ours to edit. */
function isCiOrChart(path: string, files: RepoFiles): boolean {
  if (path.startsWith('.github/') || path.startsWith('.gitlab') || path.startsWith('.circleci/')) return true;
  const parts = path.split('/');
  const templates = parts.lastIndexOf('templates');
  if (templates > 0 || (templates === 0 && files.has('Chart.yaml'))) {
    const chartDir = parts.slice(0, templates).join('/');
    return files.has(chartDir === '' ? 'Chart.yaml' : `${chartDir}/Chart.yaml`);
  }
  return false;
}
