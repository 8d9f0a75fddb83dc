// Text for a terminal: control characters from log lines (ESC sequences, BEL, CR, NUL) shown escaped, never acted on.

/** C0 controls but TAB and LF, DEL, and the C1 range (which some terminals also act on, e.g. U+009B as CSI). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const NAMED: Record<string, string> = { '\r': '\\r', '\u0000': '\\0', '\u001b': '\\e', '\u0007': '\\a', '\b': '\\b' };

/**
 * `\e[31m`, `\r`, `\0`, `\a`, `\x01`: a log line that moved the cursor, rang the bell, set a window title or cleared
 * the screen of whoever reads the text output now shows what it held. Newlines and TABs are kept (they lay it out).
 */
export function escapeControls(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
