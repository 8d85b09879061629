/**
 * The 'compose' part: the app's compose services get `init: true` (unless their image starts an
 * init), the stop signal of what runs, and a stop_grace_period above the app's budget.
 */
import { posix } from 'node:path';
import type { Facts } from '../detect/facts.js';
import { patchCompose as patchComposeFresh, type ComposeServicePatch } from '../edits/compose.js';
import type { ComposeService } from '../detect/compose-file.js';
import { composeServices } from '../detect/container-files.js';
import { stageFacts } from '../detect/dockerfile-facts.js';
import { isOwnInit } from '../detect/container-runtime.js';
import { targetChain } from '../core/timeout-chain.js';
import { chainInput, appChainNotes, ownsChainNotes } from './container-chain.js';
import { patchOptionsFor } from './dockerfile-owners.js';
import { leftAloneNote } from './python-wiring.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { appServices, serviceAppDir, serviceContextDir } from './compose-services.js';
import { memoizedEdit } from './edit-memo.js';
import { editActions } from './edit-actions.js';

const patchCompose = memoizedEdit(patchComposeFresh);

export const composeGenerator: ArtifactGenerator = {
  name: 'compose',
  part: 'compose',
  description: 'docker compose: init, stop_signal and stop_grace_period above the app budget',
  appliesTo: (ctx) => ctx.answers.parts.includes('compose') && ctx.facts.container.composeFiles.length > 0,
  actions(ctx) {
    // A Python program left as it is (python-wiring.ts): how it stops is not changed here either.
    const alone = leftAloneNote(ctx);
    if (alone) return [alone];
    const actions: PlanAction[] = [];
    const target = targetChain(chainInput(ctx.app, ctx.answers));
    for (const file of ctx.facts.container.composeFiles) {
      const source = ctx.current(file);
      if (source === null) continue;
      const appDirs = ctx.facts.apps.map((a) => a.dir);
      const services = composeServices(source, file);
      const treated = ctx.facts.apps.filter((a) => ctx.answers.apps.includes(a.dir)).map((a) => a.dir);
      for (const svc of services) {
        const owner = serviceAppDir(file, svc, appDirs);
        if (owner !== null && treated.includes(owner)) continue;
        const why =
          owner === null
            ? `image ${svc.image ?? '(none)'}, not built here`
            : owner === '' || appDirs.includes(owner)
              ? 'its app is not treated in this run'
              : `built from ${owner}/, not an app`;
        actions.push({ type: 'plan-note', level: 'info', file, message: `left as it is: compose service "${svc.name}" (${why})` });
      }
      const mine = appServices(file, services, ctx.app, appDirs);
      if (mine.length === 0) continue;
      const patches: Record<string, ComposeServicePatch> = {};
      for (const svc of mine) patches[svc.name] = servicePatch(ctx, file, svc, target.stopGraceSeconds);
      const result = patchCompose(source, patches);
      actions.push(...editActions({ path: file, result, edit: (s) => patchCompose(s, patches), reason: result.data.changes.join('; ') }));
    }
    if (ownsChainNotes('compose', ctx.answers.parts, ctx.facts.container)) {
      actions.push(...appChainNotes(ctx));
    }
    return actions;
  },
};

function servicePatch(ctx: GeneratorContext, file: string, svc: ComposeService, stopGraceSeconds: number): ComposeServicePatch {
  const dockerfile = serviceDockerfile(ctx.facts, file, svc);
  const source = dockerfile === null ? null : ctx.current(dockerfile);
  if (source === null)
    return { init: true, stopSignal: 'SIGTERM', alsoGraceful: alsoGraceful(ctx.app.kind === 'node' ? 'node' : 'python'), stopGraceSeconds };
  const options = patchOptionsFor(ctx.app, ctx);
  const stage = stageFacts(source, { runtime: options.runtime, scripts: options.scripts });
  // With the docker part, an image that can take tini gets it in this run (patchDockerfile); without it, only what is written counts.
  const runsInit = ctx.answers.parts.includes('docker') ? stage.init !== null || stage.initCanWrap : stage.writtenInit !== null;
  return {
    // A process that keeps its own stop gets no init here either (see DockerfilePatchOptions.ownStop); nor a server that is its own init.
    init: !runsInit && options.ownStop === undefined && !isOwnInit(stage.runtime),
    stopSignal: stage.stopSignal,
    alsoGraceful: alsoGraceful(stage.runtime),
    stopGraceSeconds,
  };
}

/** Signals besides SIGTERM that a runtime also stops gracefully on (node and uvicorn: SIGINT). */
function alsoGraceful(runtime: string): string[] {
  return ['node', 'python', 'python-uvicorn'].includes(runtime) ? ['SIGTERM', 'SIGINT'] : [];
}

function serviceDockerfile(facts: Facts, file: string, svc: ComposeService): string | null {
  const dir = serviceContextDir(file, svc);
  if (dir === null) return null;
  const path = posix.join(dir, svc.dockerfile ?? 'Dockerfile');
  return facts.container.dockerfiles.includes(path) ? path : null;
}
