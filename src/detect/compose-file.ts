/**
 * Reading docker compose files: each service's build, image, init and stop settings, every YAML
 * document, merge keys resolved as compose sees them. Detection reads them once; edits/compose.ts patches.
 */
import { isAlias, isMap, isScalar, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import { parseDuration } from '../core/timeout-chain.js';
import { parsedOnce } from '../core/parse-count.js';
import { splitSimpleCommand } from './simple-command.js';
import { budgetFromEnvironment, isRecord, isTemplated } from './k8s-file.js';

export interface ComposeService {
  name: string;
  /** Index of the YAML document that defines it. */
  document: number;
  /** The anchor name when the service is only an alias of another node (`api2: *app`), else null. */
  aliasOf: string | null;
  /** build context as written (`.`, `./api`), or null when the service uses an image only. */
  buildContext: string | null;
  /** build.dockerfile as written, or null. */
  dockerfile: string | null;
  /** build.target (the Dockerfile stage compose builds), or null: the final stage. */
  buildTarget?: string | null;
  /** How `build:` is written: a context string, a map, or absent (null). */
  buildForm?: 'string' | 'map' | null;
  /** Whether the service sets its build context itself (an override file's `build: { target }` does not: it merges onto the base file's). */
  buildContextSet?: boolean;
  image: string | null;
  init: boolean | null;
  stopSignal: string | null;
  stopGraceSeconds: number | null;
  /** stop_grace_period as written when it is templated (`${STOP_GRACE:-5s}`), else null. */
  stopGraceTemplate: string | null;
  /** GRACEFUL_SHUTDOWN_TIMEOUT_MS from environment, when set there. */
  budgetMs: number | null;
  command: string[] | null;
  /** `command:` when written as one string (a shell command), else null. */
  commandText?: string | null;
  /** `entrypoint:` when written as a list (exec form), else null. */
  entrypoint?: string[] | null;
}

/** A compose file's services and how many YAML documents it holds. */
export interface ComposeFile {
  documents: number;
  services: ComposeService[];
}

/**
 * A compose file's YAML documents (merge keys on, as compose reads them), parsed once per distinct text
 * and shared by detection and the compose edit; null when the text cannot be parsed at all.
 */
export const parseDocs: (source: string) => Document.Parsed[] | null = parsedOnce('compose', parseComposeDocs);

function parseComposeDocs(source: string): Document.Parsed[] | null {
  try {
    const docs = parseAllDocuments(source, { merge: true }) as Document.Parsed[];
    return Array.isArray(docs) ? docs : null;
  } catch {
    return null;
  }
}

/** The services of a compose file, every document; [] when it does not parse or has none. */
export function readCompose(source: string): ComposeService[] {
  return readComposeFile(source).services;
}

export function readComposeFile(source: string): ComposeFile {
  const docs = parseDocs(source);
  if (docs === null) return { documents: 0, services: [] };
  const out: ComposeService[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) return;
    const services = doc.get('services', true);
    if (!isMap(services)) return;
    // Compose files use YAML merge keys (`<<: *defaults`); read values as compose sees them.
    const all = doc.toJS() as { services?: Record<string, unknown> };
    for (const pair of services.items as Pair<Node, Node>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : null;
      if (name === null) continue;
      const svc = all.services?.[name];
      if (!isRecord(svc)) continue;
      out.push(serviceOf(name, index, isAlias(pair.value) ? pair.value.source : null, svc));
    }
  });
  return { documents: docs.length, services: out };
}

export function serviceOf(name: string, document: number, aliasOf: string | null, svc: Record<string, unknown>): ComposeService {
  const build = svc['build'];
  const buildContext = typeof build === 'string' ? build : isRecord(build) ? String(build['context'] ?? '.') : null;
  const dockerfile = isRecord(build) && typeof build['dockerfile'] === 'string' ? build['dockerfile'] : null;
  const command = Array.isArray(svc['command'])
    ? svc['command'].map(String)
    : typeof svc['command'] === 'string'
      ? // The one command splitter (a string the shell would read as one simple command); else words as written.
        (splitSimpleCommand(svc['command']) ?? svc['command'].split(/\s+/))
      : null;
  const grace = svc['stop_grace_period'];
  return {
    name,
    document,
    aliasOf,
    buildContext,
    dockerfile,
    buildTarget: isRecord(build) && typeof build['target'] === 'string' ? build['target'] : null,
    buildForm: typeof build === 'string' ? 'string' : isRecord(build) ? 'map' : null,
    buildContextSet: typeof build === 'string' || (isRecord(build) && build['context'] !== undefined),
    image: typeof svc['image'] === 'string' ? svc['image'] : null,
    init: typeof svc['init'] === 'boolean' ? svc['init'] : null,
    stopSignal: typeof svc['stop_signal'] === 'string' ? svc['stop_signal'] : null,
    stopGraceSeconds: isTemplated(grace) ? null : parseDuration(grace),
    stopGraceTemplate: isTemplated(grace) ? String(grace) : null,
    budgetMs: budgetFromEnvironment(svc['environment']),
    command,
    commandText: typeof svc['command'] === 'string' ? svc['command'] : null,
    entrypoint: Array.isArray(svc['entrypoint']) ? svc['entrypoint'].map(String) : null,
  };
}
