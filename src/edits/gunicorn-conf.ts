/**
 * Pure edit of an existing gunicorn.conf.py: add (or refresh) the block whose `worker_exit` hook
 * runs the app's shutdown handlers, and make `graceful_timeout` agree with the shutdown budget.
 * A `worker_exit` the file already defines keeps running: the block calls it first.
 */
import { parser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';
import { UserError } from '../core/errors.js';
import { renderTemplate } from '../core/render.js';
import { countEditRun } from '../core/edit-runs.js';
import { refused, type EditResult } from '../core/edit-result.js';

export interface GunicornConfOptions {
  /** Dotted module name the app imports signal_handlers under, e.g. 'app.signal_handlers'. */
  handlersModule: string;
  /** Whole seconds, >= 1. */
  gracefulTimeout: number;
  /** Seconds the master keeps serving after SIGTERM before its graceful stop (0 or absent: none). */
  shutdownDelaySeconds?: number;
}

export const GUNICORN_CONF_TEMPLATE = 'python/gunicorn.conf.py.hbs';
const BLOCK_START = '# >>> create-graceful-shutdown';
const BLOCK_END = '# <<< create-graceful-shutdown <<<';
const SETTING = 'graceful_timeout';

/** Validates what reaches generated Python: a dotted identifier path and a positive integer. */
export function checkGunicornConfOptions(options: GunicornConfOptions): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(options.handlersModule)) {
    throw new UserError(`not a Python module name: ${JSON.stringify(options.handlersModule)}`);
  }
  if (!Number.isInteger(options.gracefulTimeout) || options.gracefulTimeout < 1) {
    throw new UserError(`graceful_timeout must be a whole number of seconds >= 1, got ${options.gracefulTimeout}`);
  }
  const delay = options.shutdownDelaySeconds ?? 0;
  if (!Number.isFinite(delay) || delay < 0) {
    throw new UserError(`the shutdown delay must be a number of seconds >= 0, got ${delay}`);
  }
}

/** The whole new gunicorn.conf.py (for apps that have none). */
export function renderGunicornConf(options: GunicornConfOptions): string {
  checkGunicornConfOptions(options);
  return renderTemplate(GUNICORN_CONF_TEMPLATE, options);
}

/** The marked hook block, cut from the rendered template so both paths share one source. */
function hookBlock(options: GunicornConfOptions): string {
  const full = renderGunicornConf(options);
  const start = full.indexOf(BLOCK_START);
  const end = full.indexOf(BLOCK_END);
  return full.slice(start, end + BLOCK_END.length) + '\n';
}

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

interface Assignment {
  node: SyntaxNode;
  topLevel: boolean;
}

/** Every `graceful_timeout = ...` outside function bodies (those are local variables). */
function settingAssignments(source: string, root: SyntaxNode): Assignment[] {
  const found: Assignment[] = [];
  const visit = (node: SyntaxNode, topLevel: boolean): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.name === 'FunctionDefinition' || child.name === 'ClassDefinition') continue;
      if (child.name === 'AssignStatement') {
        const target = child.firstChild;
        if (target?.name === 'VariableName' && source.slice(target.from, target.to) === SETTING) {
          found.push({ node: child, topLevel });
        }
        continue;
      }
      visit(child, false);
    }
  };
  visit(root, true);
  return found;
}

/** The assigned value: the node after `=`. */
function assignedValue(assignment: SyntaxNode): SyntaxNode | null {
  for (let child = assignment.firstChild; child; child = child.nextSibling) {
    if (child.name === 'AssignOp') return child.nextSibling;
  }
  return null;
}

function firstSyntaxError(root: SyntaxNode): SyntaxNode | null {
  let error: SyntaxNode | null = null;
  root.cursor().iterate((n) => {
    if (error) return false;
    if (n.type.isError) error = n.node;
    return undefined;
  });
  return error;
}

/**
 * The patched source, or false when it already has the block and the setting. Refused (text false,
 * `refused` saying why) when the file does not parse or sets graceful_timeout in a way this edit
 * cannot change safely (computed, conditional or repeated), or the tool's block lost its end marker.
 * @throws UserError for options the generated Python cannot hold (see checkGunicornConfOptions).
 */
export function patchGunicornConf(source: string, options: GunicornConfOptions): EditResult {
  countEditRun('patchGunicornConf', source, options);
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const text = source.replace(/\r\n/g, '\n');
  const root = parser.parse(text).topNode;
  const error = firstSyntaxError(root);
  if (error) {
    const line = lineOf(text, error.from);
    return refused({ reason: `cannot parse line ${line}; fix the syntax error and run again`, line });
  }

  const assignments = settingAssignments(text, root);
  const nested = assignments.find((a) => !a.topLevel);
  if (nested || assignments.length > 1) {
    const line = lineOf(text, (nested ?? assignments[1]!).node.from);
    return refused({
      reason:
        `${SETTING} is set more than once or conditionally (line ${line}); ` +
        `set it once to ${options.gracefulTimeout} at top level and run again`,
      line,
    });
  }

  let out = text;
  const existing = assignments[0];
  if (existing) {
    const value = assignedValue(existing.node);
    const valueText = value ? text.slice(value.from, value.to) : '';
    if (value?.name !== 'Number' || !/^\d+$/.test(valueText)) {
      const line = lineOf(text, existing.node.from);
      return refused({
        reason:
          `${SETTING} is computed (line ${line}: ${text.slice(existing.node.from, existing.node.to)}); ` +
          `set it to ${options.gracefulTimeout} (the shutdown budget) and run again`,
        line,
      });
    }
    if (Number(valueText) !== options.gracefulTimeout) {
      out = text.slice(0, value.from) + String(options.gracefulTimeout) + text.slice(value.to);
    }
  }

  // The block always goes last, so its worker_exit wraps whatever the file defines above it.
  const start = out.indexOf(BLOCK_START);
  if (start >= 0) {
    const endMarker = out.indexOf(BLOCK_END, start);
    if (endMarker < 0) {
      return refused({ reason: 'the create-graceful-shutdown block has lost its end marker; restore it or delete the block' });
    }
    const before = out.slice(0, start).replace(/\n+$/, '');
    const after = out.slice(endMarker + BLOCK_END.length).replace(/^\n+/, '');
    out = [before, after].filter((part) => part.trim() !== '').join('\n\n');
  }
  const parts = [out.replace(/\n+$/, '')];
  if (!existing) {
    parts.push(
      `# Seconds a worker gets after SIGTERM to finish its requests and run the shutdown handlers.\n` +
        `${SETTING} = ${options.gracefulTimeout}`,
    );
  }
  parts.push(hookBlock(options));
  out = parts.filter((part) => part.trim() !== '').join('\n\n');

  const result = eol === '\r\n' ? out.replace(/\n/g, '\r\n') : out;
  return { text: result === source ? false : result, notes: [] };
}
