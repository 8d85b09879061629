/** Every artifact generator, in the order they run for an app (the module before the edits that import it). */
import type { ArtifactGenerator } from './types.js';

export const GENERATORS: readonly ArtifactGenerator[] = [];
