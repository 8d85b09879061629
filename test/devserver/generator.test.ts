/** The devserver generator: what it plans for each dev server, following the bench's findings. */
import { describe, expect, it } from 'vitest';
import type { DevServerFacts, NodeApp } from '../../src/detect/facts.js';
import { devServerGenerator, importSpecifier, moduleVariantFor } from '../../src/generators/devserver.js';
import type { GeneratorContext, PlanAction } from '../../src/generators/types.js';
import { factsFor } from '../helpers/builders.js';

function ctxFor(
  devServer: DevServerFacts | null,
  files: Record<string, string>,
  packageType: NodeApp['packageType'] = 'module',
): GeneratorContext {
  const app: NodeApp = {
    kind: 'node',
    nodeTarget: null,
    dir: '',
    name: 'app',
    packageType,
    scripts: {},
    dependencies: [],
    frameworks: [],
    tsconfig: null,
    entrypoint: null,
    start: null,
    devServer,
    processManagers: [],
    servesTraffic: false,
  };
  return {
    facts: factsFor('/repo', [app], { packageManager: 'npm' }),
    answers: { apps: [''], parts: ['devserver'], timeoutMs: 6000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 },
    app,
    current: (p) => files[p] ?? null,
  };
}

const types = (actions: PlanAction[]): string[] => actions.map((a) => a.type);

describe('devserver generator', () => {
  it('does not apply without a dev server', () => {
    expect(devServerGenerator.appliesTo(ctxFor(null, {}))).toBe(false);
  });

  it('Vite: renders the module beside the config and edits the config', () => {
    const ctx = ctxFor(
      { tool: 'vite', file: 'web/vite.config.ts', script: 'dev', command: 'vite' },
      {
        'web/vite.config.ts': "import { defineConfig } from 'vite'\nexport default defineConfig({})\n",
      },
    );
    const actions = devServerGenerator.actions(ctx);
    expect(types(actions)).toEqual(['plan-write', 'plan-edit', 'plan-note']);
    expect(actions[0]).toMatchObject({ path: 'web/devserver-shutdown.ts' });
    expect((actions[0] as { content: string }).content).toContain('const DEFAULT_TIMEOUT_MS = 6000;');
    expect((actions[0] as { content: string }).content).toMatch(/^export \{$/m);
    const edit = actions[1] as Extract<PlanAction, { type: 'plan-edit' }>;
    expect(edit.edit("import { defineConfig } from 'vite'\nexport default defineConfig({})\n")).toContain('plugins: [gracefulShutdown()]');
    expect((actions[2] as { message: string }).message).toMatch(/1006.*1001/);
  });

  it('Vite: a config the edit cannot follow gets the module and a warning naming the file and the manual step', () => {
    const config = "import { defineConfig } from 'vite'\n\nexport const config = defineConfig({})\n";
    const ctx = ctxFor({ tool: 'vite', file: 'vite.config.js', script: 'dev', command: 'vite' }, { 'vite.config.js': config });
    const actions = devServerGenerator.actions(ctx);
    expect(types(actions)).toEqual(['plan-write', 'plan-note']);
    expect(actions[1]).toMatchObject({ level: 'warn', file: 'vite.config.js' });
    expect((actions[1] as { message: string }).message).toMatch(
      /^vite\.config\.js: cannot add the graceful-shutdown Vite plugin automatically: .*by hand\.$/,
    );
  });

  it('Vite without a config: writes one', () => {
    const actions = devServerGenerator.actions(ctxFor({ tool: 'vite', file: null, script: 'dev', command: 'vite' }, {}, null));
    expect(types(actions)).toEqual(['plan-write', 'plan-write', 'plan-note']);
    expect(actions[0]).toMatchObject({ path: 'devserver-shutdown.mjs' });
    expect((actions[0] as { content: string }).content).not.toMatch(/: string|interface /);
    expect(actions[1]).toMatchObject({ path: 'vite.config.mjs' });
    expect((actions[1] as { content: string }).content).toContain("from './devserver-shutdown.mjs'");
  });

  it('Vite config it cannot follow: the module and a warning naming the manual step, no edit', () => {
    const ctx = ctxFor(
      { tool: 'vite', file: 'vite.config.js', script: 'dev', command: 'vite' },
      {
        'vite.config.js': 'export default mergeConfig(a, b)\n',
      },
    );
    const actions = devServerGenerator.actions(ctx);
    expect(types(actions)).toEqual(['plan-write', 'plan-note']);
    expect(actions[1]).toMatchObject({ level: 'warn', file: 'vite.config.js' });
    expect((actions[1] as { message: string }).message).toContain('by hand');
  });

  it('webpack-dev-server: nothing generated, a note saying why', () => {
    const actions = devServerGenerator.actions(
      ctxFor(
        { tool: 'webpack-dev-server', file: 'webpack.config.js', script: 'dev', command: 'webpack serve' },
        { 'webpack.config.js': 'module.exports = {}' },
      ),
    );
    expect(types(actions)).toEqual(['plan-note']);
    expect(actions[0]).toMatchObject({ level: 'info' });
  });

  it('webpack-dev-server with setupExitSignals: false: a warning', () => {
    const actions = devServerGenerator.actions(
      ctxFor(
        { tool: 'webpack-dev-server', file: 'webpack.config.js', script: 'dev', command: 'webpack serve' },
        {
          'webpack.config.js': 'module.exports = { devServer: { setupExitSignals: false } }',
        },
      ),
    );
    expect(actions).toEqual([expect.objectContaining({ type: 'plan-note', level: 'warn', file: 'webpack.config.js' })]);
  });

  it('custom dev server without servers in the file: the module in its module system, setupSignalHandlers() wired', () => {
    const actions = devServerGenerator.actions(
      ctxFor(
        { tool: 'custom', file: 'scripts/dev-server.js', script: 'dev', command: 'node scripts/dev-server.js' },
        {
          'scripts/dev-server.js': "const express = require('express');\nmodule.exports = {};\n",
        },
        null,
      ),
    );
    expect(types(actions).slice(0, 2)).toEqual(['plan-write', 'plan-edit']);
    expect(actions[0]).toMatchObject({ path: 'scripts/devserver-shutdown.js' });
    expect((actions[0] as { content: string }).content).toMatch(/^module\.exports = \{$/m);
    const edit = actions[1] as Extract<PlanAction, { type: 'plan-edit' }>;
    const text = edit.edit("const express = require('express');\nmodule.exports = {};\n");
    expect(text).toContain("const { setupSignalHandlers } = require('./devserver-shutdown.js')");
    expect(text).toContain('setupSignalHandlers()');
  });

  it('custom dev server with express, Vite middleware and ws: servers and Vite HMR registered; a second run is quiet', () => {
    const source = [
      "import http from 'node:http';",
      "import express from 'express';",
      "import { createServer as createViteServer } from 'vite';",
      "import { WebSocketServer } from 'ws';",
      'const app = express();',
      'const server = http.createServer(app);',
      'const vite = await createViteServer({ server: { middlewareMode: true, hmr: { server } } });',
      'app.use(vite.middlewares);',
      'const live = new WebSocketServer({ noServer: true });',
      'server.listen(3000);',
      '',
    ].join('\n');
    const ctx = ctxFor(
      { tool: 'custom', file: 'server.dev.js', script: 'dev', command: 'node server.dev.js' },
      { 'server.dev.js': source },
    );
    const actions = devServerGenerator.actions(ctx);
    const edit = actions.find((a): a is Extract<PlanAction, { type: 'plan-edit' }> => a.type === 'plan-edit');
    const text = edit?.edit(source);
    expect(typeof text).toBe('string');
    const wired = text as string;
    expect(wired).toContain(
      "import { setupSignalHandlers, registerHttpServer, registerWebSocketServer, registerShutdownHandler } from './devserver-shutdown.js';",
    );
    expect(wired).toContain('const server = http.createServer(app);\nregisterHttpServer(server);');
    expect(wired).toContain("registerWebSocketServer(vite.ws);\nregisterShutdownHandler('vite', () => vite.close());");
    expect(wired).toContain('registerWebSocketServer(live);');
    const again = devServerGenerator.actions({ ...ctx, current: (p) => (p === 'server.dev.js' ? wired : null) });
    expect(types(again)).toEqual(['plan-write']);
  });

  it.each([
    ['vite.config.ts', true, 'module', './devserver-shutdown.js'],
    ['vite.config.mts', true, null, './devserver-shutdown.mjs'],
    ['vite.config.cts', false, null, './devserver-shutdown.cjs'],
    ['vite.config.js', true, null, './devserver-shutdown.mjs'],
    ['vite.config.js', false, 'module', './devserver-shutdown.cjs'],
    ['vite.config.cjs', false, 'module', './devserver-shutdown.cjs'],
  ] as const)('%s (esm syntax %s, package type %s) imports %s', (file, esm, type, spec) => {
    expect(importSpecifier(moduleVariantFor(file, esm, type))).toBe(spec);
  });
});
