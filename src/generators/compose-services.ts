/** Which compose services build which app: shared by the compose, docker and k8s parts. */
import { posix } from 'node:path';
import type { App } from '../detect/facts.js';
import type { ComposeService } from '../detect/compose-file.js';

/** Repo-relative directory a service's build context points at ('' for the root), or null. */
export function serviceContextDir(composeFile: string, service: ComposeService): string | null {
  if (service.buildContext === null || /^[a-z]+:\/\//i.test(service.buildContext)) return null;
  const base = posix.dirname(composeFile) === '.' ? '' : posix.dirname(composeFile);
  const dir = posix.normalize(posix.join(base, service.buildContext));
  return dir === '.' ? '' : dir.replace(/\/$/, '');
}

/** The app a service builds: its build context, or (a root context) the directory of its Dockerfile. */
export function serviceAppDir(composeFile: string, service: ComposeService, appDirs: readonly string[]): string | null {
  const dir = serviceContextDir(composeFile, service);
  if (dir === null) return null;
  if (service.dockerfile !== null) {
    const byDockerfile = posix.dirname(posix.join(dir, service.dockerfile));
    const d = byDockerfile === '.' ? '' : byDockerfile;
    if (appDirs.includes(d)) return d;
  }
  return dir;
}

/** The services of a compose file that build this app. */
export function appServices(
  composeFile: string,
  services: readonly ComposeService[],
  app: App,
  appDirs: readonly string[] = [app.dir],
): ComposeService[] {
  return services.filter((s) => serviceAppDir(composeFile, s, appDirs) === app.dir);
}
