/**
 * Handlebars rendering for code templates. One private instance, compiled with `noEscape`:
 * templates emit source code, and HTML-escaping would turn `'` into `&#x27;`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

const hbs = Handlebars.create();

/** `templates/` of this package, from src/ (tests) and dist/ (built) alike. */
export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
hbs.registerHelper('not', (a: unknown) => !a);
/** JSON-encode a value for embedding as a literal (strings get quotes and escapes). */
hbs.registerHelper('json', (v: unknown) => JSON.stringify(v));

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * A directory searched before TEMPLATES_DIR, or null. Only for tests that need another template
 * version (upgrade tests); the CLI sets it from CGS_TEMPLATES_DIR, which --help does not mention.
 */
let overrideDir: string | null = null;

export function setTemplatesDir(dir: string | null): void {
  overrideDir = dir;
}

function templateFile(templatePath: string): string {
  if (overrideDir !== null) {
    const candidate = join(overrideDir, templatePath);
    if (existsSync(candidate)) return candidate;
  }
  return join(TEMPLATES_DIR, templatePath);
}

/** Render a template file (path relative to templates/) with `data`. */
export function renderTemplate(templatePath: string, data: object): string {
  const file = templateFile(templatePath);
  let compiled = cache.get(file);
  if (!compiled) {
    const source = readFileSync(file, 'utf8');
    compiled = hbs.compile(source, { noEscape: true, strict: true });
    cache.set(file, compiled);
  }
  return compiled(data);
}

/** Render a template string; for tests and small inline templates. */
export function renderString(source: string, data: object): string {
  return hbs.compile(source, { noEscape: true, strict: true })(data);
}
