/**
 * vitest global setup of the e2e project: nothing to set up; at the end of the whole run, when no
 * test file can be building any more, the images the image tests built are removed (./podman.ts).
 */
import { removeBuiltImages } from './podman.js';

export default function setup(): () => Promise<void> {
  return removeBuiltImages;
}
