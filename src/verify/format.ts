/** Reports as text for people, JSON for machines, Markdown for a pull request. Pure functions. */
import type { RunReport, VerifyOutcome } from './types.js';

type Row = [string, (r: RunReport) => string];

const ROWS: Row[] = [
  ['signal → exit', (r) => `${r.exitMs} ms`],
  ['exit', (r) => (r.exitCode !== null ? `code ${r.exitCode}` : `signal ${r.signal}`) + ` (expected ${r.expectedExit})`],
  ['killed', (r) => (r.killed ? `yes, at ${r.graceMs / 1000} s` : 'no')],
  ['answered after the signal', (r) => `${r.requests.answered}${statuses(r)}`],
  ['lost', (r) => `${r.requests.lost}${lostWhy(r)}`],
  ['closed unread, retried', (r) => String(r.requests.retried)],
  ['refused after close', (r) => `${r.refusedAfterClose ? 'yes' : 'no'} (${r.requests.refused} refused after the signal)`],
  ['idle keep-alive closed by the app', (r) => `${r.requests.idleClosed} of ${r.requests.idleHeld}`],
  ['WebSocket close codes', (r) => wsCodes(r.wsCloseCodes)],
  ['PID 1', (r) => (r.pid1 ? 'yes (new PID namespace)' : `no: ${r.pid1Note ?? 'plain child'}`)],
  ['result', (r) => (r.passed ? 'pass' : `FAIL: ${r.failures.join('; ')}`)],
];

function statuses(r: RunReport): string {
  const entries = Object.entries(r.requests.statuses).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? ` (${entries.map(([s, n]) => `${s}: ${n}`).join(', ')})` : '';
}

function lostWhy(r: RunReport): string {
  const q = r.requests;
  const parts = [
    q.lostReset ? `${q.lostReset} reset` : '',
    q.lostHangup ? `${q.lostHangup} hung up` : '',
    q.lostTimeout ? `${q.lostTimeout} never answered` : '',
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function wsCodes(codes: readonly number[]): string {
  if (codes.length === 0) return '–';
  const counts = new Map<number, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => (n > 1 ? `${c} ×${n}` : String(c))).join(', ');
}

function header(r: RunReport): string[] {
  const lines = [
    `command: ${r.command.join(' ')} (${r.commandSource})`,
    `stop: ${r.stopSignal} (${r.stopSignalSource}), SIGKILL at ${r.graceMs / 1000} s (${r.graceSource}); expected exit ${r.expectedExit} (${r.expectedExitSource})`,
  ];
  if (r.adjustments.length) lines.push(`run here with: ${r.adjustments.join('; ')}`);
  return lines;
}

export function formatText(outcome: VerifyOutcome): string {
  const runs = outcome.baseline ? [outcome.baseline, outcome.current] : [outcome.current];
  const out: string[] = [];
  for (const r of runs) out.push(`${r.label}:`, ...header(r).map((l) => `  ${l}`));
  out.push('');
  const width = Math.max(...ROWS.map(([name]) => name.length)) + 2;
  const cells = ROWS.map(([name, f]) => [name, ...runs.map(f)]);
  const colWidths = runs.map((r, i) => Math.max(r.label.length, ...cells.map((c) => c[i + 1]!.length)) + 2);
  out.push(
    ''.padEnd(width) +
      runs
        .map((r, i) => r.label.padEnd(colWidths[i]!))
        .join('')
        .trimEnd(),
  );
  for (const c of cells)
    out.push(
      c[0]!.padEnd(width) +
        c
          .slice(1)
          .map((v, i) => v.padEnd(colWidths[i]!))
          .join('')
          .trimEnd(),
    );
  for (const r of runs) {
    out.push('', `last log lines (${r.label}):`);
    out.push(...(r.logTail.length ? r.logTail.map((l) => `  ${l}`) : ['  (none)']));
  }
  return out.join('\n');
}

function runJson(r: RunReport): Record<string, unknown> {
  return {
    label: r.label,
    exit_ms: r.exitMs,
    exit_code: r.exitCode,
    signal: r.signal,
    killed: r.killed,
    answered: r.requests.answered,
    lost: r.requests.lost,
    refused_after_close: r.refusedAfterClose,
    ws_close_codes: r.wsCloseCodes,
    passed: r.passed,
    failures: r.failures,
    answered_before_signal: r.requests.answeredBefore,
    lost_reset: r.requests.lostReset,
    lost_hangup: r.requests.lostHangup,
    lost_timeout: r.requests.lostTimeout,
    refused: r.requests.refused,
    retried: r.requests.retried,
    statuses: r.requests.statuses,
    idle_connections: r.requests.idleHeld,
    idle_closed: r.requests.idleClosed,
    command: r.command,
    command_source: r.commandSource,
    pid1: r.pid1,
    pid1_note: r.pid1Note,
    port: r.port,
    stop_signal: r.stopSignal,
    grace_ms: r.graceMs,
    expected_exit: r.expectedExit,
    adjustments: r.adjustments,
    log_tail: r.logTail,
  };
}

export function formatJson(outcome: VerifyOutcome): string {
  return JSON.stringify({ ...runJson(outcome.current), baseline: outcome.baseline ? runJson(outcome.baseline) : null }, null, 2);
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'");
}

export function formatMarkdown(outcome: VerifyOutcome): string {
  const runs = outcome.baseline ? [outcome.baseline, outcome.current] : [outcome.current];
  const out = ['## Graceful shutdown, measured (`create-graceful-shutdown verify`)', ''];
  for (const r of runs)
    out.push(
      `- **${md(r.label)}**: \`${r.command.join(' ')}\` (${md(r.commandSource)}); ${r.stopSignal}, SIGKILL at ${r.graceMs / 1000} s`,
    );
  out.push('', `| | ${runs.map((r) => md(r.label)).join(' | ')} |`, `| --- | ${runs.map(() => '---').join(' | ')} |`);
  for (const [name, f] of ROWS) out.push(`| ${name} | ${runs.map((r) => md(f(r))).join(' | ')} |`);
  out.push('', 'Lost: requests the app accepted and never answered (reset, hung up, or still open when it was gone).');
  return out.join('\n') + '\n';
}
