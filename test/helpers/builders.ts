/**
 * Builders for what the generator tests hand a generator: the answers the CLI would collect and the
 * facts detection would return. A test names only what it is about; the rest is the one default here.
 */
import type { Answers } from '../../src/answers.js';
import type { App, Facts, NodeApp, TsconfigFacts } from '../../src/detect/facts.js';

/** `--yes` answers for one app at the repo root: module and entrypoint, the default 8 s budget. */
export function answersFor(over: Partial<Answers> = {}): Answers {
  return {
    apps: [''],
    parts: ['module', 'entrypoint'],
    timeoutMs: 8000,
    shutdownDelayMs: 0,
    exitMode: 'zero',
    preStopSeconds: 5,
    ...over,
  };
}

/** A repo of these apps with no container files, no workspaces and nothing to warn about. */
export function factsFor(root: string, apps: App[], over: Partial<Facts> = {}): Facts {
  return {
    root,
    isGitRepo: false,
    packageManager: null,
    workspaces: [],
    apps,
    container: { dockerfiles: [], composeFiles: [], k8sManifests: [] },
    warnings: [],
    ...over,
  };
}

/** A tsconfig.json at the app's root that sets nothing the generated module's flavour depends on. */
export function tsconfigFor(over: Partial<TsconfigFacts> = {}): TsconfigFacts {
  return {
    path: 'tsconfig.json',
    module: null,
    moduleResolution: null,
    outDir: null,
    rootDir: null,
    allowImportingTsExtensions: false,
    verbatimModuleSyntax: false,
    erasableSyntaxOnly: false,
    unreadExtends: [],
    ...over,
  };
}

/** A Node app at the repo root with nothing detected beyond what the test names. */
export function nodeAppFor(over: Partial<NodeApp> = {}): NodeApp {
  return {
    kind: 'node',
    nodeTarget: null,
    dir: '',
    name: 'app',
    packageType: null,
    scripts: {},
    dependencies: [],
    frameworks: [],
    tsconfig: null,
    entrypoint: null,
    start: null,
    devServer: null,
    processManagers: [],
    servesTraffic: false,
    ...over,
  };
}
