/**
 * Container files of the repo: Dockerfiles, compose files, plain-YAML Kubernetes manifests with
 * workloads, and what ties images to build contexts (skaffold), kustomize overlays and Helm charts.
 * Helm chart templates (`{{ }}`) and kustomize patches are not plain manifests and are left out
 * of the manifests we edit.
 */
import { posix } from 'node:path';
import { parse } from 'yaml';
import type { ContainerFacts } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { isK8sManifest } from './k8s-file.js';

/** Dockerfile, Dockerfile.prod, api.Dockerfile, Containerfile (podman's name for the same thing). */
export function isDockerfileName(name: string): boolean {
  return (
    /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/.test(name) ||
    /^[\w.-]+\.(Dockerfile|Containerfile)$/i.test(name) ||
    name.toLowerCase() === 'dockerfile'
  );
}

/** docker-compose.yml, docker-compose.prod.yaml, compose.yaml, compose.override.yml. */
export function isComposeName(name: string): boolean {
  return /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(name);
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;

export function detectContainer(files: RepoFiles): ContainerFacts {
  const dockerfiles: string[] = [];
  const composeFiles: string[] = [];
  const k8sManifests: string[] = [];
  const skaffold: string[] = [];
  const kustomizations: string[] = [];
  const helmCharts: string[] = [];
  for (const path of files.list) {
    const name = posix.basename(path);
    if (name === 'Chart.yaml') helmCharts.push(posix.dirname(path) === '.' ? '' : posix.dirname(path));
    if (/^skaffold([.-][\w.-]+)?\.ya?ml$/.test(name)) skaffold.push(path);
    if (KUSTOMIZATION.test(name)) kustomizations.push(path);
  }
  const kustomizePatches = new Set(kustomizations.flatMap((k) => patchesOf(k, files.read(k))));
  for (const path of files.list) {
    const name = posix.basename(path);
    if (isDockerfileName(name) && !name.endsWith('.dockerignore')) {
      dockerfiles.push(path);
    } else if (isComposeName(name)) {
      composeFiles.push(path);
    } else if (
      /\.ya?ml$/i.test(name) &&
      !isCiOrChart(path, files) &&
      !kustomizePatches.has(path) &&
      !KUSTOMIZATION.test(name) &&
      !skaffold.includes(path)
    ) {
      const text = files.read(path);
      if (
        text !== null &&
        /^\s*kind:\s*(Deployment|StatefulSet|DaemonSet|Job|CronJob)\b/m.test(text) &&
        !text.includes('{{') &&
        isK8sManifest(text)
      ) {
        k8sManifests.push(path);
      }
    }
  }
  const facts: ContainerFacts = { dockerfiles, composeFiles, k8sManifests };
  if (skaffold.length > 0) facts.skaffold = skaffold;
  if (kustomizations.length > 0) facts.kustomizations = kustomizations;
  if (kustomizePatches.size > 0) facts.kustomizePatches = [...kustomizePatches].filter((p) => files.has(p)).sort();
  if (helmCharts.length > 0) facts.helmCharts = helmCharts;
  return facts;
}

/** Repo paths of the patch files a kustomization applies (patches, patchesStrategicMerge, patchesJson6902). */
export function patchesOf(kustomization: string, text: string | null): string[] {
  if (text === null) return [];
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const k = doc as Record<string, unknown>;
  const dir = posix.dirname(kustomization);
  const out: string[] = [];
  const add = (p: unknown): void => {
    if (typeof p === 'string' && !p.includes('\n')) out.push(posix.normalize(posix.join(dir, p)));
  };
  for (const key of ['patches', 'patchesJson6902']) {
    const list = k[key];
    if (Array.isArray(list))
      for (const item of list) if (typeof item === 'object' && item !== null) add((item as Record<string, unknown>)['path']);
  }
  const strategic = k['patchesStrategicMerge'];
  if (Array.isArray(strategic)) for (const item of strategic) add(item);
  return out;
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
