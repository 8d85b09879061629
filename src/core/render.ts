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

/** Renders template files (paths relative to templates/) from one template set. */
export interface Templates {
  /** The directory searched before TEMPLATES_DIR, or null for the built-in set only. */
  readonly dir: string | null;
  render(templatePath: string, data: object): string;
}

/**
 * A template set: `overrideDir`'s files where it has them, the built-in ones elsewhere. A value
 * handed down (engine option → plan → generators), not a global: two runs in one process (a test,
 * a plop session) each render from their own set. Only tests pass another set (upgrade tests); the
 * CLI takes it from CGS_TEMPLATES_DIR, which --help does not mention.
 */
export function templatesFrom(overrideDir: string | null): Templates {
  const fileOf = (templatePath: string): string => {
    if (overrideDir !== null) {
      const candidate = join(overrideDir, templatePath);
      if (existsSync(candidate)) return candidate;
    }
    return join(TEMPLATES_DIR, templatePath);
  };
  return { dir: overrideDir, render: (templatePath, data) => compiledFile(fileOf(templatePath))(data) };
}

function compiledFile(file: string): Handlebars.TemplateDelegate {
  let compiled = cache.get(file);
  if (!compiled) {
    compiled = hbs.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    cache.set(file, compiled);
  }
  return compiled;
}

/** The templates this package ships. */
export const BUILT_IN_TEMPLATES: Templates = templatesFrom(null);

/** Render one of the package's own template files (path relative to templates/) with `data`. */
export function renderTemplate(templatePath: string, data: object): string {
  return BUILT_IN_TEMPLATES.render(templatePath, data);
}

/** Render a template string; for tests and small inline templates. */
export function renderString(source: string, data: object): string {
  return hbs.compile(source, { noEscape: true, strict: true })(data);
}
