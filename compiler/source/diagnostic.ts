// Diagnostics: a user's mistake, located in a source file, rendered as
// `path:line:col: error: message` with a code frame and an optional hint.

export interface SourceFile {
  path: string;
  text: string;
  lineStarts: number[];
}

export function sourceFile(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return { path, text, lineStarts };
}

/** A half-open character range [start, end) in a SourceFile. */
export type Range = readonly [number, number];

export interface Diagnostic {
  /** Stable code, e.g. NS201 (see docs/spec.md, "Diagnostics"). */
  code: string;
  message: string;
  hint?: string;
  file?: SourceFile;
  range?: Range;
}

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

export function positionOf(file: SourceFile, offset: number): Position {
  let lo = 0;
  let hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (file.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - file.lineStarts[lo] + 1 };
}

export function location(d: Diagnostic): string {
  if (!d.file) return '';
  if (!d.range) return d.file.path;
  const p = positionOf(d.file, d.range[0]);
  return `${d.file.path}:${p.line}:${p.col}`;
}

function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1];
  const end = line < file.lineStarts.length ? file.lineStarts[line] - 1 : file.text.length;
  return file.text.slice(start, end).replace(/\r$/, '');
}

const FRAME_WIDTH = 160;

/** The diagnostic as a user sees it: location, message, code frame, hint. */
export function renderDiagnostic(d: Diagnostic, color = false): string {
  const red = (s: string) => (color ? `\x1b[31m${s}\x1b[0m` : s);
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const cyan = (s: string) => (color ? `\x1b[36m${s}\x1b[0m` : s);
  const loc = location(d);
  const head = `${loc ? bold(loc) + ': ' : ''}${red('error')}: ${d.message} [${d.code}]`;
  const out = [head];
  if (d.file && d.range) {
    const start = positionOf(d.file, d.range[0]);
    const end = positionOf(d.file, Math.max(d.range[0], d.range[1] - 1));
    // Tabs shown as one space keep the caret under the column it names.
    let text = lineText(d.file, start.line).replace(/\t/g, ' ');
    const width = String(start.line).length;
    const lastCol = end.line === start.line ? end.col : text.length;
    let col = start.col;
    let caretLen = Math.max(1, lastCol - start.col + 1);
    if (text.length > FRAME_WIDTH) {
      // A very long line is shown as a window around the caret.
      const from = Math.max(0, Math.min(col - 1 - 20, text.length - FRAME_WIDTH));
      text = (from > 0 ? '…' : '') + text.slice(from, from + FRAME_WIDTH) + (from + FRAME_WIDTH < text.length ? '…' : '');
      col = col - from + (from > 0 ? 1 : 0);
      caretLen = Math.max(1, Math.min(caretLen, FRAME_WIDTH - (col - 1)));
    }
    out.push(`${' '.repeat(width)} |`);
    out.push(`${start.line} | ${text}`);
    out.push(`${' '.repeat(width)} | ${' '.repeat(col - 1)}${red('^' + '~'.repeat(caretLen - 1))}`);
  }
  if (d.hint) out.push(`${cyan('hint')}: ${d.hint}`);
  return out.join('\n');
}

/** Edit distance where a swap of two neighbouring letters counts as one edit (optimal string alignment), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/** The closest candidate within a small edit distance, or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (Math.abs(word.length - c.length) > limit) continue; // the distance is at least the difference in length
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean '${c}'?`;
}
