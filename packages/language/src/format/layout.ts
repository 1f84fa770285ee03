// Output lines + comments -> text. A comment that follows code on its source line goes beside
// the last output line from that source line; any other comment goes on its own line before
// the first output line that starts after it, indented like that line (inside a block when
// the next line is the block's `}`). Blank lines between items are kept (at most one), except
// right after a `{` and right before a `}`.
import type { Comment } from '../ast/nodes';
import { lineColumnIn, lineStarts } from '../diagnostics/position';
import type { OutputLine } from './printer';

const INDENT = '  ';

export function layout(lines: readonly OutputLine[], comments: readonly Comment[], source: string): string {
  const starts = lineStarts(source);
  const lineOf = (offset: number): number => lineColumnIn(starts, offset).line;

  // Trailing comments go beside the last output line anchored on their source line (a comment
  // runs to the end of its line, so every anchor on that line comes before it).
  const lastOnLine = new Map<number, number>();
  lines.forEach((line, index) => lastOnLine.set(lineOf(line.anchor), index));
  const trailing = new Map<number, Comment>();
  const ownLine: Comment[] = [];
  for (const comment of comments) {
    const line = lineOf(comment.span.start);
    const codeBefore = source.slice(starts[line], comment.span.start).trim() !== '';
    const target = codeBefore ? lastOnLine.get(line) : undefined;
    if (target !== undefined && !trailing.has(target)) trailing.set(target, comment);
    else ownLine.push(comment);
  }

  const out: string[] = [];
  let previousEnd = 0;
  let afterOpen = true;
  const blankBetween = (from: number, to: number): boolean =>
    from < to && /\n[ \t]*(\r\n|\r|\n)/.test(source.slice(from, to).replace(/\r\n/g, '\n'));
  const emit = (text: string, start: number, end: number, closes = false) => {
    if (!afterOpen && !closes && out.length > 0 && blankBetween(previousEnd, start)) out.push('');
    out.push(text);
    previousEnd = Math.max(previousEnd, end);
  };

  let next = 0;
  lines.forEach((line, index) => {
    while (next < ownLine.length && ownLine[next].span.start < line.start) {
      const comment = ownLine[next++];
      const depth = line.closes ? line.depth + 1 : line.depth;
      emit(`${INDENT.repeat(depth)}#${comment.text}`.trimEnd(), comment.span.start, comment.span.end);
      afterOpen = false;
    }
    const comment = trailing.get(index);
    const text = INDENT.repeat(line.depth) + line.text + (comment ? `  #${comment.text}`.trimEnd() : '');
    emit(text, line.start, comment ? comment.span.end : line.anchor, line.closes);
    afterOpen = line.opens === true;
  });
  for (const comment of ownLine.slice(next)) emit(`#${comment.text}`.trimEnd(), comment.span.start, comment.span.end);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
