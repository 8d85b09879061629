/**
 * Every artifact generator, each with the generators whose planned files it reads (so they run
 * first, for the same app); the run order is derived from that (./order.ts), ties in the order
 * listed. test/engine/generator-order.test.ts plans every fixture with the list shuffled: a
 * generator that reads another's file without declaring it changes the plan and fails it.
 */
import type { ArtifactGenerator } from './types.js';
import { type OrderedGenerator, runOrder } from './order.js';
import { nodeModuleGenerator } from './node-module.js';
import { nodeEntrypointGenerator } from './node-entrypoint.js';
import { devServerGenerator } from './devserver.js';
import { pythonModuleGenerator } from './python-module.js';
import { pythonEntrypointGenerator } from './python-entrypoint.js';
import { dockerGenerator } from './docker.js';
import { composeGenerator } from './compose.js';
import { k8sGenerator } from './k8s.js';

export const DECLARED_GENERATORS: readonly OrderedGenerator[] = [
  { generator: nodeModuleGenerator, after: [] },
  { generator: devServerGenerator, after: [] },
  { generator: pythonModuleGenerator, after: [] },
  // The wiring imports the module: planned (and listed in the plan) after it.
  { generator: nodeEntrypointGenerator, after: ['node-module'] },
  { generator: pythonEntrypointGenerator, after: ['python-module'] },
  // The image copies the generated modules (python-module's gunicorn.conf.py: fixtures fail without it)
  // and runs the wired entrypoints and dev-server files.
  { generator: dockerGenerator, after: ['node-module', 'devserver', 'python-module', 'node-entrypoint', 'python-entrypoint'] },
  // Both read the patched Dockerfile (its stop signal, init, runtime).
  { generator: composeGenerator, after: ['docker'] },
  { generator: k8sGenerator, after: ['docker'] },
];

export const GENERATORS: readonly ArtifactGenerator[] = runOrder(DECLARED_GENERATORS);
