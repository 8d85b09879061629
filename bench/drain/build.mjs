// Prepares what the server scripts load: the generated module in each variant (rendered from the built
// generator; TypeScript compiled with the project's tsc) and the seed's JavaScript handler, extracted from
// the seed file at run time. Everything goes into a temp dir the caller removes.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const VARIANTS = ['ts-esm', 'ts-cjs', 'js-esm', 'js-cjs'];

const run = promisify(execFile);

/** The CLI's `--yes` answers: what most users will run. */
const DEFAULTS = { timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero' };

/**
 * Renders one variant into `<tmp>/<name>/` and returns the JavaScript file to run and how to load it.
 * @returns {Promise<{ file: string, loader: 'import' | 'require' }>}
 */
async function buildVariant(root, tmp, name, renderNodeModule) {
  const ts = name.startsWith('ts');
  const esm = name.endsWith('esm');
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: esm ? 'module' : 'commonjs' }));
  const source = renderNodeModule({ ...DEFAULTS, flavour: ts ? 'ts' : esm ? 'js-esm' : 'js-cjs' });
  const loader = esm ? 'import' : 'require';
  if (!ts) {
    writeFileSync(join(dir, 'shutdown.js'), source);
    return { file: join(dir, 'shutdown.js'), loader };
  }
  writeFileSync(join(dir, 'shutdown.ts'), source);
  const moduleFlags = esm
    ? ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022']
    : ['--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2020', '--esModuleInterop'];
  const args = [
    'shutdown.ts',
    '--outDir',
    'out',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    '--typeRoots',
    join(root, 'node_modules/@types'),
    ...moduleFlags,
  ];
  try {
    await run(join(root, 'node_modules/.bin/tsc'), args, { cwd: dir });
  } catch (error) {
    throw new Error(`tsc failed for ${name}:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  }
  return { file: join(dir, 'out', 'shutdown.js'), loader };
}

/** Every variant, compiled in parallel. */
export async function buildVariants(root, tmp) {
  const generator = join(root, 'dist/generators/node-module.js');
  if (!existsSync(generator)) throw new Error(`${generator} is missing: run \`npm run build\` first`);
  const { renderNodeModule } = await import(pathToFileURL(generator).href);
  const built = await Promise.all(VARIANTS.map((name) => buildVariant(root, tmp, name, renderNodeModule)));
  return Object.fromEntries(VARIANTS.map((name, i) => [name, built[i]]));
}

/**
 * Writes the seed's "JavaScript Signal Handler" code block to `<tmp>/seed/signalHandler.js`.
 * @returns {{ file: string } | { skipped: string }}
 */
export function extractSeed(seedFile, tmp) {
  if (!existsSync(seedFile)) return { skipped: `seed file ${seedFile} not found` };
  const text = readFileSync(seedFile, 'utf8');
  const heading = text.search(/^## JavaScript Signal Handler\b/m);
  const block = heading < 0 ? null : /```(?:javascript|js)\n([\s\S]*?)\n```/.exec(text.slice(heading));
  if (!block) return { skipped: `no "JavaScript Signal Handler" code block in ${seedFile}` };
  const dir = join(tmp, 'seed');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
  writeFileSync(join(dir, 'signalHandler.js'), `${block[1]}\n`);
  return { file: join(dir, 'signalHandler.js') };
}
