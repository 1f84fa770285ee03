// Offsets -> lines and columns, computed only when a diagnostic is shown. 0-based here (the LSP
// uses these directly); the renderers add 1 for people. Columns count UTF-16 code units, as the
// LSP does.

export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Offsets at which each line starts (`\n`, `\r\n` and a lone `\r` all end a line). A UTF-8
 * byte-order mark is not part of the first line, as no editor shows it: line 1 starts after it.
 */
export function lineStarts(source: string): number[] {
  const starts = [source.charCodeAt(0) === 0xfeff ? 1 : 0];
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (source.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The 0-based line and column of an offset (clamped to the source). */
export function lineColumnIn(starts: readonly number[], offset: number): LineColumn {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, column: Math.max(0, offset - starts[low]) };
}

/** The 0-based line and column of an offset into `source`. */
export function toLineColumn(source: string, offset: number): LineColumn {
  return lineColumnIn(lineStarts(source), Math.max(0, Math.min(offset, source.length)));
}

/** The text of a 0-based line, without its line break. */
export function lineText(source: string, starts: readonly number[], line: number): string {
  const start = starts[line] ?? source.length;
  const end = line + 1 < starts.length ? starts[line + 1] : source.length;
  return source.slice(start, end).replace(/\r?\n$|\r$/, '');
}
