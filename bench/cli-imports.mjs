#!/usr/bin/env node
// CPU time (user + system, from bash's `times`) of a fresh process that only imports each of the CLI's big
// dependencies, against a bare `node -e 0`, alternating, median of 5: where the CLI's start-up goes.
//   node bench/cli-imports.mjs [path/to/node]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
const node = process.argv[2] ?? process.execPath;
const mods = ['', 'node-plop', 'inquirer', 'handlebars', 'ts-morph', 'dockerfile-ast', 'yaml', '@lezer/python', 'diff', 'prompts'];
const cpu = (args) => {
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; times', 'bash', node, ...args], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  const line = r.stdout.trim().split('\n').pop();
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
};
const t = mods.map(() => []);
for (let r = 0; r < 5; r++) mods.forEach((m, i) => t[i].push(cpu(m ? ['--input-type=module', '-e', `await import('${m}')`] : ['-e', '0'])));
const med = (xs) => [...xs].sort((a, b) => a - b)[2];
console.log(
  `Node ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}: CPU ms (user+sys) of a fresh process importing the package, median of 5, and the extra over a bare start`,
);
mods.forEach((m, i) =>
  console.log(`${m || 'bare node -e 0'}: ${med(t[i]).toFixed(0)} (+${med(t[i].map((x, r) => x - t[0][r])).toFixed(0)})`),
);
