/**
 * Text for the terminal: every control character but line breaks and tabs shown escaped (`\x1b`).
 * Repo strings (a start script, a path, a file's lines in a diff) reach the terminal in warnings,
 * plans and diffs; none of them may move the cursor, retitle the window or clear the screen.
 */
export function terminalSafe(s: string): string {
  return s.replace(
    /\r(?!\n)|[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
