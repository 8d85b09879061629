import { describe, expect, it } from 'vitest';
import { lastCommand, resolveStartScript, scriptTargetFile } from '../../src/detect/start-script.js';

describe('resolveStartScript', () => {
  it('returns null for a missing script', () => {
    expect(resolveStartScript({ build: 'tsc' }, 'start')).toBeNull();
  });

  it('keeps a direct command as resolved', () => {
    expect(resolveStartScript({ start: 'node server.js' }, 'start')).toEqual({
      script: 'start',
      raw: 'node server.js',
      resolved: 'node server.js',
      chain: ['start'],
    });
  });

  it('follows npm run links to the real command', () => {
    const scripts = { start: 'npm run serve', serve: 'npm run build && NODE_ENV=production node dist/server.js', build: 'tsc' };
    expect(resolveStartScript(scripts, 'start')).toEqual({
      script: 'start',
      raw: 'npm run serve',
      resolved: 'NODE_ENV=production node dist/server.js',
      chain: ['start', 'serve'],
    });
  });

  it.each([
    ['yarn run', { start: 'yarn run serve', serve: 'node a.js' }],
    ['yarn shorthand', { start: 'yarn serve', serve: 'node a.js' }],
    ['pnpm shorthand', { start: 'pnpm serve', serve: 'node a.js' }],
    ['pnpm run with flags', { start: 'pnpm --silent run serve -- --port 3000', serve: 'node a.js' }],
    ['npm start', { prod: 'npm start', start: 'npm run serve', serve: 'node a.js' }],
    ['bun run', { start: 'bun run serve', serve: 'node a.js' }],
    ['run-s', { start: 'run-s build serve', build: 'tsc', serve: 'node a.js' }],
  ])('follows %s', (_label, scripts: Record<string, string>) => {
    const name = 'prod' in scripts ? 'prod' : 'start';
    const result = resolveStartScript(scripts, name);
    expect(result?.resolved).toBe('node a.js');
    expect(result?.chain[result.chain.length - 1]).toBe('serve');
  });

  it('stops on a loop with resolved null', () => {
    const result = resolveStartScript({ start: 'npm run a', a: 'npm run start' }, 'start');
    expect(result).toEqual({ script: 'start', raw: 'npm run a', resolved: null, chain: ['start', 'a'] });
  });

  it('gives resolved null when the chain names a missing script', () => {
    expect(resolveStartScript({ start: 'npm run serve' }, 'start')?.resolved).toBeNull();
  });

  it('does not follow a yarn binary that is not a script', () => {
    expect(resolveStartScript({ start: 'yarn nodemon server.js' }, 'start')?.resolved).toBe('yarn nodemon server.js');
  });

  it('does not follow run-p (parallel: no single target)', () => {
    expect(resolveStartScript({ start: 'run-s --parallel a b', a: 'x', b: 'y' }, 'start')?.resolved).toBe('run-s --parallel a b');
  });
});

describe('scriptTargetFile', () => {
  it.each([
    ['node server.js', 'server.js'],
    ['node ./dist/server.js', 'dist/server.js'],
    ['node dist/main', 'dist/main'],
    ['NODE_ENV=production node dist/server.js', 'dist/server.js'],
    ['cross-env NODE_ENV=production PORT=3000 node dist/index.js', 'dist/index.js'],
    ["NODE_OPTIONS='--max-old-space-size=512 --enable-source-maps' node build/app.js", 'build/app.js'],
    ['env PORT=1 node app.mjs', 'app.mjs'],
    ['dotenv -e .env.prod -- node srv.cjs', 'srv.cjs'],
    ['node --import tsx src/main.ts', 'src/main.ts'],
    ['node --import=tsx --env-file=.env src/main.ts', 'src/main.ts'],
    ['node -r dotenv/config --enable-source-maps dist/server.js', 'dist/server.js'],
    ['node --loader ts-node/esm src/index.ts', 'src/index.ts'],
    ['node --watch src/index.js', 'src/index.js'],
    ['tsx src/index.ts', 'src/index.ts'],
    ['tsx watch --tsconfig tsconfig.dev.json src/index.ts', 'src/index.ts'],
    ['ts-node -P tsconfig.json src/server.ts', 'src/server.ts'],
    ['ts-node-dev --respawn --transpile-only src/server.ts', 'src/server.ts'],
    ['nodemon server.js', 'server.js'],
    ['nodemon --watch src -e ts --exec ts-node src/index.ts', 'src/index.ts'],
    ['nodemon --exec "ts-node src/index.ts"', 'src/index.ts'],
    ['pm2 start dist/app.js --name api -i max', 'dist/app.js'],
    ['pm2-runtime start server.js', 'server.js'],
    ['npx tsx src/app.ts', 'src/app.ts'],
    ['pnpm exec tsx src/app.ts', 'src/app.ts'],
    ['bun run src/index.ts', 'src/index.ts'],
    ['tsc && node dist/index.js', 'dist/index.js'],
    ['npm run build; node out/main.js', 'out/main.js'],
    ['node_modules/.bin/ts-node app.ts', 'app.ts'],
  ])('%s → %s', (command, file) => {
    expect(scriptTargetFile(command)).toBe(file);
  });

  it.each([
    'nest start',
    'next start',
    'node .',
    'npm run serve',
    'pm2 start ecosystem.config.js',
    'pm2-runtime start ecosystem.config.cjs --env production',
    'node -e "require(\'./x\')"',
    'nodemon',
    '',
  ])('%s → null', (command) => {
    expect(scriptTargetFile(command)).toBeNull();
  });
});

describe('lastCommand', () => {
  it('keeps quoted separators together', () => {
    expect(lastCommand(`echo "a && b" && node x.js`)).toBe('node x.js');
    expect(lastCommand(`node -e "a; b"`)).toBe('node -e "a; b"');
  });

  it('treats a redirect as part of the command', () => {
    expect(lastCommand('node x.js 2>&1')).toBe('node x.js 2>&1');
  });
});
