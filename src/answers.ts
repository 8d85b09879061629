/** The answers every generator reads. Declared as questions (with flags and defaults) in ./questions.ts. */

export const PARTS = ['module', 'entrypoint', 'devserver', 'docker', 'compose', 'k8s'] as const;
export type Part = (typeof PARTS)[number];

export interface Answers {
  /** Dirs (App.dir) of the apps to treat. */
  apps: string[];
  /** Parts to generate (`--only`). */
  parts: Part[];
  /** Overall shutdown budget of the app, in ms (GRACEFUL_SHUTDOWN_TIMEOUT_MS default). */
  timeoutMs: number;
  /** Delay between "shutting down" (readiness 503) and closing listeners, in ms. */
  shutdownDelayMs: number;
  /** 'zero': exit 0 after a clean shutdown; 'signal': re-raise, so the status is 128+n. */
  exitMode: 'zero' | 'signal';
  /** Kubernetes preStop sleep, in seconds (endpoint propagation). */
  preStopSeconds: number;
}
