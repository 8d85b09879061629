// The generated modules are rendered from the TypeScript sources of src/runtime (src/generators/module-source.ts
// reads them beside its own compiled output): copy them into dist/runtime next to what tsc emitted there,
// with each flavour precompiled (dist/runtime/flavours).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const from = join(root, 'src/runtime');
const to = join(root, 'dist/runtime');
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from)) if (file.endsWith('.ts')) copyFileSync(join(from, file), join(to, file));
// The flavours compiled once here, so that rendering a module at run time needs no TypeScript.
const { writeFlavours } = await import('../dist/generators/module-source.js');
writeFlavours();
