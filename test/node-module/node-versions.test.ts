/**
 * The Node floor the module claims (NODE_FLOOR: 18.0), held on real Node binaries from the npm registry:
 * 18.0 (no closeIdleConnections at all), 18.5 (closeIdleConnections destroyed sockets awaiting a response
 * before 18.7: every in-flight request was lost), the last 18, and each later major. Each runs node:http with
 * idle keep-alive clients, clients that never sent a request, and in-flight requests, then gets SIGTERM.
 * Bun is not claimed by the module and not tested.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_FLOOR, renderNodeModule } from '../../src/generators/node-module.js';
import {
  buildAll,
  closeAll,
  tempDir,
  variantOf,
  killAll,
  nodeBinary,
  openIdle,
  openSilent,
  removeTempDirs,
  request,
  startServer,
  type BuiltVariant,
  type IdleConnection,
  type VariantName,
} from './helpers.js';

/** Node version → the variant it runs (every variant is covered by some version). */
const VERSIONS: [string, VariantName][] = [
  ['18.0.0', 'js-cjs'],
  ['18.5.0', 'ts-esm'],
  ['18.5.0', 'js-cjs'],
  ['18.20.8', 'ts-require'],
  ['20.20.2', 'ts-export-assign'],
  ['22.23.5', 'js-esm'],
  ['24.22.3', 'ts-cjs'],
  ['26.12.1', 'ts-esm'],
];

let built: Record<VariantName, BuiltVariant>;
const binaries = new Map<string, string>();
const opened: IdleConnection[][] = [];

beforeAll(async () => {
  built = await buildAll();
  // One at a time: npm installs in parallel compete for the same cache.
  for (const [version] of VERSIONS) if (!binaries.has(version)) binaries.set(version, await nodeBinary(version));
}, 900_000);
afterAll(async () => {
  await killAll();
  for (const c of opened.splice(0)) closeAll(c);
  removeTempDirs();
});

/** The in-flight work is 1 s from the start of the shutdown; the rest is slack for a loaded machine. */
const EXIT_BOUND_MS = 3500;

describe('every claimed Node version drains', () => {
  it('the floor is 18', () => expect(NODE_FLOOR).toBe(18));

  for (const [version, variant] of VERSIONS) {
    it(`Node ${version} (${variant}): in-flight requests get 200, idle and silent connections close at once, exit 0`, async () => {
      const node = binaries.get(version)!;
      const { app, port } = await startServer('apps/http.mjs', built[variant], {}, node);
      const idle = await openIdle(port, 200);
      const silent = await openSilent(port, 20);
      opened.push(idle, silent);
      const flights = Array.from({ length: 20 }, () => request(port, '/slow'));
      await app.waitForCount(/^slow$/, 20);

      const sentAt = Date.now();
      app.kill('SIGTERM');
      const responses = await Promise.all(flights);
      const exit = await app.exited;

      const context = `node ${version}\nstdout:\n${app.stdout}\nstderr:\n${app.stderr}`;
      expect(
        responses.map((r) => `${r.status} ${r.body}`),
        context,
      ).toEqual(Array(20).fill('200 done'));
      const firstResponse = Math.min(...responses.map((r) => r.at));
      expect(
        [...idle, ...silent].filter((c) => c.closedAt === null || c.closedAt > firstResponse),
        context,
      ).toHaveLength(0);
      expect(exit, context).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt, context).toBeLessThan(EXIT_BOUND_MS);
      expect(app.marks(), context).toEqual(['final']);
    }, 60_000);
  }
});

// Node's own type stripping (on by default since 22.18 and 23.6) runs the TypeScript file as written: the
// CommonJS form must be erasable (`module.exports`, type-only imports); the ES module form is as is.
describe("Node's type stripping runs the TypeScript flavours as written", () => {
  const CASES: [version: string, file: string, variant: VariantName, loader: BuiltVariant['loader']][] = [
    ['22.23.5', 'shutdown.cts', 'ts-require', 'require'],
    ['24.22.3', 'shutdown.cts', 'ts-require', 'require'],
    ['24.22.3', 'shutdown.mts', 'ts-esm', 'import'],
  ];
  for (const [version, file, variant, loader] of CASES) {
    it(`Node ${version} runs ${file} (${variant}) without a build: in-flight requests get 200, exit 0`, async () => {
      const node = binaries.get(version)!;
      const dir = tempDir('gs-node-strip-');
      writeFileSync(join(dir, file), renderNodeModule(variantOf(variant)));
      const raw: BuiltVariant = { name: variant, file: join(dir, file), loader };
      const { app, port } = await startServer('apps/http.mjs', raw, {}, node);
      const idle = await openIdle(port, 50);
      opened.push(idle);
      const flights = Array.from({ length: 5 }, () => request(port, '/slow'));
      await app.waitForCount(/^slow$/, 5);
      const sentAt = Date.now();
      app.kill('SIGTERM');
      const responses = await Promise.all(flights);
      const exit = await app.exited;
      const context = `stdout:\n${app.stdout}\nstderr:\n${app.stderr}`;
      expect(
        responses.map((r) => r.status),
        context,
      ).toEqual(Array(5).fill(200));
      expect(exit, context).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt, context).toBeLessThan(EXIT_BOUND_MS);
    }, 60_000);
  }
});
