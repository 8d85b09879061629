/**
 * `verify`: measure the app's shutdown under load, as its container would stop it, and, with
 * --baseline, the same at another git ref. Returns typed reports; printing and exit codes are the
 * CLI's. Reads the repository, never writes in it; ends every process it starts.
 */
import { resolve } from 'node:path';
import { planLaunch } from './launch.js';
import { measure } from './measure.js';
import { buildBaseline, checkoutBaseline } from './baseline.js';
import type { LaunchPlan, Ports, VerifyOptions, VerifyOutcome } from './types.js';
import { UserError } from '../core/errors.js';

export async function verify(options: VerifyOptions, ports: Ports, env: NodeJS.ProcessEnv = process.env): Promise<VerifyOutcome> {
  const plan = planLaunch(options, options.port ?? (await ports.freePort()), env);
  ports.progress({
    phase: 'plan',
    message: `command: ${plan.argv.join(' ')} (${plan.source}); stop: ${plan.stopSignal}, kill at ${plan.graceMs / 1000} s (${plan.graceSource})`,
  });
  let baseline = null;
  if (options.baseline !== null) {
    const tree = checkoutBaseline(resolve(options.dir), options.baseline);
    const onAbort = (): void => tree.remove();
    ports.abort.addEventListener('abort', onAbort, { once: true });
    try {
      ports.progress({
        phase: 'baseline',
        message: `baseline: ${options.baseline} (${tree.commit.slice(0, 12)}) in a temporary worktree, ${tree.root}`,
      });
      if (options.build) await buildBaseline(tree.dir, ports);
      const basePlan = planBaseline(options, tree.dir, options.port ?? (await ports.freePort()), env);
      baseline = await measure(basePlan, options, ports, `${options.baseline} (${tree.commit.slice(0, 7)})`);
    } finally {
      ports.abort.removeEventListener('abort', onAbort);
      tree.remove();
    }
  }
  const current = await measure(plan, options, ports, 'working tree');
  return { current, baseline };
}

/** The baseline's launch plan; a missing build there is fixed by --build, so the message says so. */
function planBaseline(options: VerifyOptions, dir: string, port: number, env: NodeJS.ProcessEnv): LaunchPlan {
  try {
    return planLaunch({ ...options, dir }, port, env);
  } catch (error) {
    if (error instanceof UserError && !options.build && /does not exist: build the app first/.test(error.message)) {
      throw new UserError(
        `--baseline ${options.baseline}: ${error.message.replace(/: build the app first.*$/, '')} at that ref: add --build to build it in the temporary worktree`,
      );
    }
    throw error;
  }
}

export type { VerifyOptions, VerifyOutcome, RunReport, Ports, ProgressEvent } from './types.js';
export { DEFAULTS } from './types.js';
export { Interrupted } from './interrupted.js';
