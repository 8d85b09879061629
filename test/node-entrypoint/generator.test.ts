/**
 * The 'node-entrypoint' generator: one plan-edit, or a plan-note with hand instructions, plus
 * notes about replaced code and process managers. Checked through the real Plan.
 */
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import type { Facts, NodeApp } from '../../src/detect/facts.js';
import { nodeEntrypointGenerator } from '../../src/generators/node-entrypoint.js';
import type { GeneratorContext, PlanAction } from '../../src/generators/types.js';
import { answersFor, factsFor } from '../helpers/builders.js';

const answers: Answers = answersFor({ parts: ['entrypoint'] });

function nodeApp(over: Partial<NodeApp> = {}): NodeApp {
  return {
    kind: 'node',
    nodeTarget: null,
    dir: '',
    name: 'api',
    packageType: 'commonjs',
    scripts: { start: 'node server.js' },
    dependencies: ['express'],
    frameworks: ['express'],
    tsconfig: null,
    entrypoint: { path: 'server.js', language: 'js', moduleSystem: 'cjs', via: 'script', script: 'start' },
    start: { script: 'start', raw: 'node server.js', resolved: 'node server.js', chain: ['start'] },
    devServer: null,
    processManagers: [],
    servesTraffic: true,
    ...over,
  };
}

function context(app: NodeApp, files: Record<string, string>): GeneratorContext {
  const facts: Facts = factsFor('/repo', [app], { isGitRepo: true, packageManager: 'npm' });
  return { facts, answers, app, current: (p) => files[p] ?? null };
}

/** Applies actions the way the command layer does: edits through the Plan, notes collected. */
function run(actions: PlanAction[], files: Record<string, string>): Plan {
  const plan = new Plan((p) => files[p] ?? null);
  for (const a of actions) {
    if (a.type === 'plan-edit') plan.edit(a.path, a.edit, a.reason);
    else if (a.type === 'plan-note') plan.note(a.level, a.message, a.file);
    else throw new Error(`unexpected action ${a.type}`);
  }
  return plan;
}

const EXPRESS = `const express = require('express');\nconst app = express();\napp.listen(3000);\n`;

describe('node-entrypoint generator', () => {
  it('is the entrypoint part and applies to Node apps with an entrypoint only', () => {
    expect(nodeEntrypointGenerator.name).toBe('node-entrypoint');
    expect(nodeEntrypointGenerator.part).toBe('entrypoint');
    expect(nodeEntrypointGenerator.appliesTo(context(nodeApp(), {}))).toBe(true);
    expect(nodeEntrypointGenerator.appliesTo(context(nodeApp({ entrypoint: null }), {}))).toBe(false);
  });

  it('plans one edit that wires the file, and nothing on the second run', () => {
    const files = { 'server.js': EXPRESS };
    const ctx = context(nodeApp(), files);
    const actions = nodeEntrypointGenerator.actions(ctx);
    expect(actions.filter((a) => a.type === 'plan-edit')).toHaveLength(1);
    const plan = run(actions, files);
    const [change] = plan.changes();
    expect(change?.path).toBe('server.js');
    expect(change?.after).toContain(`const { setupSignalHandlers, registerHttpServer } = require('./shutdown');`);
    expect(change?.after).toContain('const server = app.listen(3000);\nregisterHttpServer(server);\n');

    const second = { 'server.js': change?.after ?? '' };
    expect(nodeEntrypointGenerator.actions(context(nodeApp(), second))).toEqual([]);
  });

  it('uses the module path and specifier of the app: src/server.ts under NodeNext imports ./shutdown.js', () => {
    const source = `import express from 'express';\nconst app = express();\nexport const server = app.listen(3000);\n`;
    const files = { 'src/server.ts': source };
    const app = nodeApp({
      packageType: 'module',
      entrypoint: { path: 'src/server.ts', language: 'ts', moduleSystem: 'esm', via: 'script', script: 'start' },
      tsconfig: {
        path: 'tsconfig.json',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        outDir: 'dist',
        rootDir: 'src',
        allowImportingTsExtensions: false,
        verbatimModuleSyntax: false,
        erasableSyntaxOnly: false,
        unreadExtends: [],
      },
    });
    const plan = run(nodeEntrypointGenerator.actions(context(app, files)), files);
    expect(plan.changes()[0]?.after).toContain(`import { setupSignalHandlers, registerHttpServer } from './shutdown.js';`);
  });

  it('turns a refusal into a warning with the file, line and the lines to add, and edits nothing', () => {
    const source = `const http = require('http');\nconst stoppable = require('stoppable');\nconst server = stoppable(http.createServer());\nserver.listen(3000);\n`;
    const files = { 'server.js': source };
    const actions = nodeEntrypointGenerator.actions(context(nodeApp(), files));
    expect(actions.some((a) => a.type === 'plan-edit')).toBe(false);
    const plan = run(actions, files);
    expect(plan.changes()).toEqual([]);
    expect(plan.notes).toHaveLength(1);
    const note = plan.notes[0];
    expect(note?.level).toBe('warn');
    expect(note?.file).toBe('server.js');
    expect(note?.message).toMatch(/^server\.js:2: not edited: it already uses stoppable/);
    expect(note?.message).toContain(
      `Add by hand:\n  after line 2: const { setupSignalHandlers, registerHttpServer } = require('./shutdown');`,
    );
    expect(note?.message).toContain('after line 4: registerHttpServer(httpServer);');
  });

  it('refuses a file that does not parse', () => {
    const files = { 'server.js': `const app = require('express')();\napp.listen(3000\n` };
    const plan = run(nodeEntrypointGenerator.actions(context(nodeApp(), files)), files);
    expect(plan.changes()).toEqual([]);
    expect(plan.notes[0]?.message).toMatch(/^server\.js:\d+: not edited: it does not parse/);
  });

  it('reports a replaced process.on listener in the plan', () => {
    const source = `const app = require('express')();\nconst server = app.listen(3000);\nprocess.on('SIGINT', () => server.close(() => process.exit(0)));\n`;
    const files = { 'server.js': source };
    const plan = run(nodeEntrypointGenerator.actions(context(nodeApp(), files)), files);
    expect(plan.changes()[0]?.after).not.toContain('process.on(');
    expect(plan.notes.map((n) => n.message).join('\n')).toContain(`replaced process.on('SIGINT') (line 3) with setupSignalHandlers()`);
  });

  it.each([
    ['pm2', 'pm2 start server.js', /kill_timeout/],
    ['pm2-runtime', 'pm2-runtime start server.js', /kill_timeout/],
    ['nodemon', 'nodemon server.js', /--signal SIGTERM/],
    ['forever', 'forever start server.js', /--killSignal=SIGTERM/],
  ])('warns about %s in the start script', (_pm, command, expected) => {
    const files = { 'server.js': EXPRESS };
    const app = nodeApp({ scripts: { start: command }, start: { script: 'start', raw: command, resolved: command, chain: ['start'] } });
    const plan = run(nodeEntrypointGenerator.actions(context(app, files)), files);
    const warnings = plan.notes.filter((n) => n.level === 'warn').map((n) => n.message);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(expected);
  });

  it('follows processManagers from detection too', () => {
    const files = { 'server.js': EXPRESS };
    const plan = run(nodeEntrypointGenerator.actions(context(nodeApp({ processManagers: ['pm2'] }), files)), files);
    expect(plan.notes.some((n) => /pm2/.test(n.message))).toBe(true);
  });

  it('warns when the entrypoint cannot be read', () => {
    const actions = nodeEntrypointGenerator.actions(context(nodeApp(), {}));
    expect(actions).toEqual([expect.objectContaining({ type: 'plan-note', level: 'warn', file: 'server.js' })]);
  });
});

describe('node-entrypoint generator: never a listener that exits before something else drains', () => {
  it('a file the process loads with its own SIGTERM code: refused, naming that file and line', () => {
    const files = {
      'index.js': "require('./db');\nconst express = require('express');\nexpress().listen(3000);\n",
      'db.js': "process.on('SIGTERM', () => pool.end());\n",
    };
    const app = nodeApp({
      entrypoint: {
        path: 'index.js',
        language: 'js',
        moduleSystem: 'cjs',
        via: 'script',
        script: 'start',
        chain: ['index.js'],
        loads: ['db.js'],
      },
    });
    const actions = nodeEntrypointGenerator.actions(context(app, files));
    expect(actions.filter((a) => a.type === 'plan-edit')).toHaveLength(0);
    const note = actions.find((a) => a.type === 'plan-note' && a.level === 'warn');
    expect(note && 'message' in note ? note.message : '').toMatch(
      /db\.js:1: not edited: db\.js, which the process loads, already handles shutdown \(line 1: `process\.on\('SIGTERM', \(\) => pool\.end\(\)\);`\)/,
    );
  });

  it('a package that serves traffic whose wired file creates no server: refused instead of a listener that would exit at once', () => {
    const files = { 'app.js': "const express = require('express');\nmodule.exports = express();\n" };
    const app = nodeApp({
      entrypoint: { path: 'app.js', language: 'js', moduleSystem: 'cjs', via: 'main', script: null, chain: ['app.js'], loads: [] },
    });
    const actions = nodeEntrypointGenerator.actions(context(app, files));
    expect(actions.filter((a) => a.type === 'plan-edit')).toHaveLength(0);
    const note = actions.find((a) => a.type === 'plan-note');
    expect(note && 'message' in note ? note.message : '').toMatch(/no server is created in app\.js, yet the package depends on express/);
  });

  it('`next start`: one plan note that says what Next.js does and what would drain at the floor', () => {
    const app = nodeApp({
      entrypoint: null,
      frameworks: ['next'],
      process: { source: 'script', file: 'package.json', command: 'start: next start', starts: null, runner: 'next-start', overruled: [] },
    });
    const ctx = context(app, {});
    expect(nodeEntrypointGenerator.appliesTo(ctx)).toBe(true);
    const actions = nodeEntrypointGenerator.actions(ctx);
    expect(actions).toHaveLength(1);
    expect(actions[0]?.type === 'plan-note' ? actions[0].message : '').toMatch(
      /runs Next\.js's own server[\s\S]*exits 143, not 0[\s\S]*custom server[\s\S]*container part/,
    );
  });
});
