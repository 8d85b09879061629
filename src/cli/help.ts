/** --help text, built from QUESTIONS so every question's flag is listed. Kept free of heavy imports. */
import { QUESTIONS } from '../questions.js';

export function helpText(): string {
  const rows: [string, string][] = [
    ['[dir]', 'repository to treat (default: the current directory)'],
    ['-y, --yes', 'use detected defaults for every question and apply without asking'],
    ['--dry-run', 'print the plan and a unified diff; write nothing'],
    ['--check', 'read-only: exit 1 when generated files are missing, outdated or hand-edited'],
    ['--report <file.md>', 'write a Markdown summary of the change (for a pull request)'],
    ['--reconfigure', 'ask again the questions answered on an earlier run'],
    ['--force', 'proceed even when files to change have uncommitted git changes'],
    ['--debug', 'print stack traces on errors'],
    ['-h, --help', 'show this help'],
    ['-v, --version', 'show the version'],
    ...QUESTIONS.map((q): [string, string] => [`--${q.flag} ${q.arg}`, q.help]),
  ];
  const width = Math.max(...rows.map(([a]) => a.length)) + 2;
  return [
    'Usage: create-graceful-shutdown [dir] [options]',
    '',
    'Adds graceful shutdown to an existing repository: a shutdown registry for the app (Node or Python),',
    'its wiring in the entrypoint, a dev-server handler, and Dockerfile/compose/Kubernetes settings whose',
    'timeouts agree. Questions default to what was detected; without a TTY, with --yes or CI=true they are',
    'not asked.',
    '',
    'Commands:',
    "  verify [dir]               measure the app's shutdown under load, as its container stops it (verify --help)",
    '',
    'Options:',
    ...rows.map(([a, b]) => `  ${a.padEnd(width)}${b}`),
    '',
    'Exit codes: 0 done or nothing to do, 1 failure (or --check found drift, or merge conflicts), 2 usage error.',
  ].join('\n');
}
