/**
 * "Output that parses": each file the CLI wrote is parsed by a real parser for its language.
 * Returns a description of the first problem, or null when the file parses.
 */
import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const DOCKER_KEYWORDS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'MAINTAINER',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);

function tsProblem(path: string, text: string): string | null {
  const out = ts.transpileModule(text, {
    fileName: posix.basename(path),
    reportDiagnostics: true,
    compilerOptions: { allowJs: true, module: ts.ModuleKind.ESNext },
  });
  const d = out.diagnostics?.[0];
  return d ? ts.flattenDiagnosticMessageText(d.messageText, ' ') : null;
}

function pythonProblem(text: string): string | null {
  const r = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr.trim().split('\n').pop() ?? 'does not parse');
}

function yamlProblem(text: string): string | null {
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length) return doc.errors[0]?.message ?? 'YAML error';
  }
  return null;
}

function jsonProblem(path: string, text: string): string | null {
  if (/(^|\/)(tsconfig|jsconfig)[^/]*\.json$/.test(path)) {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { allowTrailingComma: true });
    return errors.length ? `JSONC error at ${errors[0]?.offset}` : null;
  }
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Unknown instructions are allowed only when the input already had them (we keep the user's lines). */
function dockerfileProblem(text: string, before: string | null): string | null {
  const unknown = (t: string): Set<string> =>
    new Set(
      DockerfileParser.parse(t)
        .getInstructions()
        .map((i) => i.getKeyword().toUpperCase())
        .filter((k) => !DOCKER_KEYWORDS.has(k)),
    );
  const had = before === null ? new Set<string>() : unknown(before);
  const added = [...unknown(text)].filter((k) => !had.has(k));
  if (added.length) return `unknown instruction(s) ${added.join(', ')}`;
  if (
    !DockerfileParser.parse(text)
      .getInstructions()
      .some((i) => i.getKeyword().toUpperCase() === 'FROM')
  )
    return 'no FROM';
  return null;
}

/** null when `text` (the new content of repo-relative `path`) parses; else what is wrong. */
export function outputProblem(path: string, text: string, before: string | null = null): string | null {
  const base = posix.basename(path);
  const ext = posix.extname(path);
  if (/^(Dockerfile|Containerfile)(\..*)?$/.test(base) || ext === '.dockerfile') return dockerfileProblem(text, before);
  if (['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.tsx', '.jsx'].includes(ext)) return tsProblem(path, text);
  if (ext === '.py') return pythonProblem(text);
  if (ext === '.yaml' || ext === '.yml') return yamlProblem(text);
  if (ext === '.json') return jsonProblem(path, text);
  return null;
}
