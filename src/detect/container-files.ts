/**
 * Compose services and Kubernetes workloads of a file's text, read once per distinct text (see
 * ./by-text.ts). The facts are frozen: callers that need a variant copy them.
 */
import { readComposeFile, type ComposeFile, type ComposeService } from './compose-file.js';
import { readK8s, type K8sWorkload } from './k8s-file.js';
import { byText } from './by-text.js';

/** A compose file's services and its number of YAML documents. */
export const composeFile = byText<ComposeFile>(readComposeFile);

/** The services of a compose file; [] when it does not parse or has none. */
export function composeServices(text: string, path?: string): readonly ComposeService[] {
  return composeFile(text, path).services;
}

/** The workloads of a Kubernetes manifest; [] when it holds none we handle. */
export const k8sWorkloads = byText<readonly K8sWorkload[]>(readK8s);
