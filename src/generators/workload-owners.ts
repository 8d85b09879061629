/**
 * Which app a container image belongs to: the names the repo gives the images it builds (compose
 * services with a build context, skaffold artifacts, kustomize image renames) and the app's own
 * names (package name, directory). A Kubernetes container is the app's when its image's name is one
 * of these; images no app builds (redis, Go services built elsewhere) belong to no app and are
 * left as they are.
 */
import { posix } from 'node:path';
import type { App, Facts } from '../detect/facts.js';
import { composeServices } from '../detect/container-files.js';
import { isTemplated } from '../detect/k8s-file.js';
import { yamlDocumentValues } from '../detect/yaml-values.js';
import { serviceContextDir } from './compose-services.js';

/** The repository part of an image reference, lower-cased (`ghcr.io/acme/api:1.2` → `api`); null when templated. */
export function imageKey(reference: string | null): string | null {
  if (reference === null || isTemplated(reference) || reference.includes('$')) return null;
  const noDigest = reference.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const name = colon > slash ? noDigest.slice(0, colon) : noDigest;
  const last = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  return last === '' ? null : last;
}

export interface ImageOwners {
  /** Dirs of the apps an image is built from ([] when none, several when ambiguous). */
  of(image: string | null): string[];
}

type Read = (path: string) => string | null;

function docs(text: string | null, path: string): readonly unknown[] {
  return text === null ? [] : yamlDocumentValues(text, path);
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Owners by facts object, with every text they were read from: each app's generators ask, and the
 * answer only changes with those texts (a 200-app run rebuilt it 200 times per part).
 */
const ownersCache = new WeakMap<
  Facts,
  { apps: readonly unknown[]; size: number; container: unknown; reads: [string, string | null][]; owners: ImageOwners }
>();

export function imageOwners(facts: Facts, read: Read): ImageOwners {
  const hit = ownersCache.get(facts);
  // Equal texts may be different strings: keep the ones read now, which the next read returns again.
  const same = (entry: [string, string | null]): boolean => {
    const text = read(entry[0]);
    if (text !== entry[1]) return false;
    entry[1] = text;
    return true;
  };
  const unchanged = hit !== undefined && hit.apps === facts.apps && hit.size === facts.apps.length && hit.container === facts.container;
  if (unchanged && hit.reads.every(same)) return hit.owners;
  const reads: [string, string | null][] = [];
  const owners = ownersFrom(facts, (path) => {
    const text = read(path);
    reads.push([path, text]);
    return text;
  });
  ownersCache.set(facts, { apps: facts.apps, size: facts.apps.length, container: facts.container, reads, owners });
  return owners;
}

function ownersFrom(facts: Facts, read: Read): ImageOwners {
  const keys = new Map<string, Set<string>>(); // image key → app dirs
  const appDirs = new Set(facts.apps.map((a) => a.dir));
  const add = (key: string | null, dir: string | null): void => {
    if (key === null || dir === null || !appDirs.has(dir)) return;
    if (!keys.has(key)) keys.set(key, new Set());
    keys.get(key)!.add(dir);
  };
  const appFor = (dir: string): string | null => {
    // A build context is the app's dir, or (workspace builds from the root) names the app by its Dockerfile.
    return appDirs.has(dir) ? dir : null;
  };
  for (const app of facts.apps) {
    add(imageKey(app.name.replace(/^@[^/]+\//, '')), app.dir);
    if (app.dir !== '') add(imageKey(posix.basename(app.dir)), app.dir);
    else add(imageKey(posix.basename(facts.root)), app.dir);
  }
  for (const file of facts.container.composeFiles) {
    for (const svc of composeServices(read(file) ?? '', file)) {
      const dir = serviceContextDir(file, svc);
      if (dir === null) continue;
      // A root build context with a Dockerfile inside an app's dir builds that app.
      const byDockerfile = svc.dockerfile === null ? null : posix.dirname(posix.join(dir, svc.dockerfile));
      const owner =
        byDockerfile !== null && appDirs.has(byDockerfile === '.' ? '' : byDockerfile)
          ? byDockerfile === '.'
            ? ''
            : byDockerfile
          : appFor(dir);
      add(imageKey(svc.name), owner);
      add(imageKey(svc.image), owner);
    }
  }
  for (const file of facts.container.skaffold ?? []) {
    const base = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    for (const doc of docs(read(file), file)) {
      const d = record(doc);
      const builds = [record(d?.['build']), ...list(d?.['profiles']).map((p) => record(record(p)?.['build']))];
      for (const build of builds) {
        for (const artifact of list(build?.['artifacts'])) {
          const a = record(artifact);
          if (a === null || typeof a['image'] !== 'string') continue;
          const context = posix.normalize(posix.join(base, typeof a['context'] === 'string' ? a['context'] : '.'));
          const dockerfile = record(a['docker'])?.['dockerfile'];
          const byDockerfile = typeof dockerfile === 'string' ? posix.dirname(posix.join(context, dockerfile)) : null;
          const dir = byDockerfile !== null && appDirs.has(byDockerfile === '.' ? '' : byDockerfile) ? byDockerfile : context;
          add(imageKey(a['image']), appFor(dir === '.' ? '' : dir));
        }
      }
    }
  }
  // kustomize `images:` renames: the name in the manifests and the name the image is pushed as are the same image.
  const renames: [string, string][] = [];
  for (const file of facts.container.kustomizations ?? []) {
    for (const doc of docs(read(file), file)) {
      for (const image of list(record(doc)?.['images'])) {
        const i = record(image);
        const from = imageKey(typeof i?.['name'] === 'string' ? i['name'] : null);
        const to = imageKey(typeof i?.['newName'] === 'string' ? i['newName'] : null);
        if (from !== null && to !== null) renames.push([from, to]);
      }
    }
  }
  for (const [from, to] of renames) {
    for (const dir of [...(keys.get(to) ?? [])]) add(from, dir);
    for (const dir of [...(keys.get(from) ?? [])]) add(to, dir);
  }
  return {
    of: (image) => {
      const key = imageKey(image);
      return key === null ? [] : [...(keys.get(key) ?? [])];
    },
  };
}

/** The app's containers of a workload (by name), or null when none of them runs the app. */
export function appContainersOf(
  owners: ImageOwners,
  app: App,
  containers: readonly { name: string; image: string | null }[],
): string[] | null {
  const mine = containers
    .filter((c) => {
      const dirs = owners.of(c.image);
      return dirs.length === 1 && dirs[0] === app.dir;
    })
    .map((c) => c.name);
  return mine.length === 0 ? null : mine;
}
