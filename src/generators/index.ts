/** Every artifact generator, in the order they run for an app (the module before the edits that import it). */
import type { ArtifactGenerator } from './types.js';
import { nodeModuleGenerator } from './node-module.js';
import { nodeEntrypointGenerator } from './node-entrypoint.js';
import { devServerGenerator } from './devserver.js';
import { pythonModuleGenerator } from './python-module.js';
import { pythonEntrypointGenerator } from './python-entrypoint.js';
import { dockerGenerator } from './docker.js';
import { composeGenerator } from './compose.js';
import { k8sGenerator } from './k8s.js';

export const GENERATORS: readonly ArtifactGenerator[] = [
  nodeModuleGenerator,
  devServerGenerator,
  pythonModuleGenerator,
  nodeEntrypointGenerator,
  pythonEntrypointGenerator,
  dockerGenerator,
  composeGenerator,
  k8sGenerator,
];
