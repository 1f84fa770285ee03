// `labels "labels.csv"`: the images and their labels from a CSV file instead of class folders, as
// fastai's `ImageDataLoaders.from_csv` (and `MultiCategoryBlock` with `label_delim=' '`) and
// Keras's `flow_from_dataframe` read them. The file:
//   - a header row, then one row per image;
//   - the image's path relative to the data folder (`/` or `\` separators), in the first column
//     or the one `columns "IMAGE" "LABELS"` names (Keras's x_col);
//   - its labels, separated by spaces or by `separator ";"` (fastai's label_delim; one label:
//     ordinary classification; several, or none: multi-label), in the second column or the named
//     one (y_col); other columns are ignored;
//   - RFC 4180 quoting: a field in double quotes may hold commas, line breaks and `""` for a quote;
//     a byte-order mark, CRLF line ends and blank lines are accepted.
// Classes are the labels used, sorted (code point order, as class folders are). Everything that
// would make training wrong is a RunError before any image is decoded: a file that cannot be read
// (TL4111), a malformed CSV (TL4112), a listed image that is not there or lies outside the data
// folder (TL4113), an image listed twice (TL4114). Images in the data folder that the file does
// not list, and labels only one image has, are warnings.
import fs from 'node:fs/promises';
import path from 'node:path';
import { didYouMean } from '@tlc/language';
import { RunError, runtimeMessages } from '../messages';
import { isImageFileName } from './extensions';
import type { ImageItem, ScannedFolder } from './scan';
import { assertFolder, byCodePoint, listImageFiles } from './walk';

export interface CsvRow {
  /** 1-based line the row starts on. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(readonly line: number, readonly why: string) {
    super(`line ${line}: ${why}`);
  }
}

/** Rows of an RFC 4180 CSV text (comma-separated, `"` quoting); blank lines are left out. */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let wasQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          const next = text[i + 1];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw new CsvError(line, `text after a closing quote (${JSON.stringify(field)}…): a quote inside a quoted field is written ""`);
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      if (field !== '') throw new CsvError(line, `a quote inside an unquoted field (${JSON.stringify(field)}…): quote the whole field and write the quote as ""`);
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new CsvError(rowLine, 'a quoted field is not closed before the end of the file');
  if (field !== '' || fields.length > 0 || wasQuoted) endRow();
  return rows;
}

/**
 * The labels of one cell, each once, in the order written. Separator `" "` (the default): runs of
 * spaces and tabs separate labels. Any other: exactly that text does, and each label is trimmed, so
 * a label may hold spaces (`golden retriever; tabby cat` with `";"`).
 */
export function splitLabels(cell: string, separator = ' '): string[] {
  const parts = separator === ' ' ? cell.split(/\s+/) : cell.split(separator).map((l) => l.trim());
  return [...new Set(parts.filter((l) => l !== ''))];
}

/** Characters that often separate labels when a space does not. */
const LIKELY_SEPARATORS = [';', '|', ','];

/**
 * With the default separator, labels that hold `;`, `|` or `,` are most likely several labels
 * written with that separator: one warning, with the `separator` clause that reads them so.
 */
function separatorHint(classes: string[], separator: string, file: string): string | undefined {
  if (separator !== ' ') return undefined;
  for (const candidate of LIKELY_SEPARATORS) {
    const holding = classes.filter((c) => c.includes(candidate));
    if (holding.length === 0) continue;
    const shown = holding.slice(0, 3).map((c) => JSON.stringify(c)).join(', ');
    return `${holding.length} label${holding.length === 1 ? '' : 's'} in ${path.basename(file)} hold${holding.length === 1 ? 's' : ''} ${JSON.stringify(candidate)} (${shown}${holding.length > 3 ? ', …' : ''}): labels are separated by spaces; if ${JSON.stringify(candidate)} separates them, write \`labels "${path.basename(file)}" separator ${JSON.stringify(candidate)}\``;
  }
  return undefined;
}

/** Images listed, by line; their labels as written. */
interface LabelledRow {
  line: number;
  path: string;
  labels: string[];
}

/** Where the image path and the labels are: a header name, or a position from 0. */
export interface LabelColumns {
  fileColumn: string | number;
  labelColumn: string | number;
  /** What separates two labels (default `" "`: spaces and tabs). */
  separator?: string;
}

const FIRST_TWO: LabelColumns = { fileColumn: 0, labelColumn: 1, separator: ' ' };

/** A column's index in the header, or TL4112 naming the header's columns (with a "did you mean"). */
function columnIndex(header: CsvRow, column: string | number, role: string, file: string): number {
  const names = header.fields.map((f) => f.trim());
  if (typeof column === 'number') {
    if (column < names.length) return column;
    throw new RunError(runtimeMessages.labelsFileNotCsv(file, header.line, `the ${role} column is column ${column + 1}, but the header row has ${names.length} (${names.map((n) => JSON.stringify(n)).join(', ')})`));
  }
  const index = names.indexOf(column);
  if (index >= 0) return index;
  const close = didYouMean(column, names);
  throw new RunError(runtimeMessages.labelsFileNotCsv(file, header.line, `the header row has no ${role} column ${JSON.stringify(column)}${close === undefined ? '' : ` (did you mean ${JSON.stringify(close)}?)`}; its columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`));
}

/** The rows of a labels file's text after its header, checked (TL4112, TL4114). */
export function readLabelRows(text: string, file: string, columns: LabelColumns = FIRST_TWO): LabelledRow[] {
  let rows: CsvRow[];
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new RunError(runtimeMessages.labelsFileNotCsv(file, error.line, error.why));
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) throw new RunError(runtimeMessages.labelsFileNotCsv(file, 1, 'the file is empty: it needs a header row, then one row per image'));
  if (header.fields.length < 2) {
    // A spreadsheet's "CSV" in a locale with decimal commas, or a TSV: say so, not just "1 column".
    const only = header.fields[0] ?? '';
    const other = only.includes(';') ? 'semicolons' : only.includes('\t') ? 'tabs' : null;
    const hint = other ? `; its fields look separated by ${other}, and tlc reads commas: save the file as comma-separated CSV` : '';
    throw new RunError(runtimeMessages.labelsFileNotCsv(file, header.line, `the header row has ${header.fields.length} column (${JSON.stringify(only)}); it needs two, the image path and its labels, e.g. \`file,labels\`${hint}`));
  }
  const fileAt = columnIndex(header, columns.fileColumn, 'image', file);
  const labelsAt = columnIndex(header, columns.labelColumn, 'label', file);
  if (fileAt === labelsAt) throw new RunError(runtimeMessages.labelsFileNotCsv(file, header.line, `the image column and the label column are the same column, ${JSON.stringify(header.fields[fileAt]!.trim())}`));
  const needed = Math.max(fileAt, labelsAt) + 1;
  if (body.length === 0) throw new RunError(runtimeMessages.labelsFileNotCsv(file, header.line, 'the header row is the only row: list one image per row after it'));
  const seen = new Map<string, number>();
  return body.map((row) => {
    if (row.fields.length < needed) {
      throw new RunError(runtimeMessages.labelsFileNotCsv(file, row.line, row.fields.length === 1
        ? `the row has one field (${JSON.stringify(row.fields[0])}); it needs the image path, a comma, then its labels`
        : `the row has ${row.fields.length} fields, but the ${fileAt >= labelsAt ? 'image' : 'label'} column is column ${needed}`));
    }
    const written = row.fields[fileAt]!.trim();
    if (written === '') throw new RunError(runtimeMessages.labelsFileNotCsv(file, row.line, 'the image path (first column) is empty'));
    const normalised = path.posix.normalize(written.replace(/\\/g, '/'));
    const before = seen.get(normalised);
    if (before !== undefined) throw new RunError(runtimeMessages.labelledImageTwice(file, written, [before, row.line]));
    seen.set(normalised, row.line);
    return { line: row.line, path: normalised, labels: splitLabels(row.fields[labelsAt]!, columns.separator) };
  });
}

const isInside = (parent: string, child: string): boolean => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/** The labels file's path: relative to the data folder unless absolute. */
export function labelsFilePath(root: string, labelsPath: string): string {
  return path.resolve(root, labelsPath);
}

/**
 * Reads a data folder's images and labels from its labels file. Items are in the file's order;
 * each item's `label` is its first label in class order (what the validation split stratifies
 * by; -1 for an image with no label) and `labels` all of them.
 */
export async function scanLabelsFile(root: string, labels: { path: string } & Partial<LabelColumns>): Promise<ScannedFolder> {
  await assertFolder(root, 'data folder');
  const file = labelsFilePath(root, labels.path);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new RunError(runtimeMessages.labelsFileUnreadable(file, why));
  }
  const separator = labels.separator ?? ' ';
  const rows = readLabelRows(text, file, { fileColumn: labels.fileColumn ?? 0, labelColumn: labels.labelColumn ?? 1, separator });
  const realRoot = await fs.realpath(root);
  const missing: { line: number; path: string; why: string }[] = [];
  for (const row of rows) {
    const full = path.resolve(root, row.path);
    const why = path.isAbsolute(row.path) || !isInside(path.resolve(root), full)
      ? 'outside the data folder'
      : !isImageFileName(full)
        ? 'not an image file name'
        : await fs.stat(full).then((s) => (s.isFile() ? null : 'not a file'), () => 'no such file');
    const real = why === null ? await fs.realpath(full) : null;
    if (why !== null) missing.push({ line: row.line, path: row.path, why });
    else if (real !== null && !isInside(realRoot, real)) missing.push({ line: row.line, path: row.path, why: `a link to ${real}, outside the data folder` });
  }
  if (missing.length > 0) throw new RunError(runtimeMessages.labelledImagesMissing(file, missing));

  const classes = [...new Set(rows.flatMap((r) => r.labels))].sort(byCodePoint);
  if (classes.length < 2) {
    throw new RunError(runtimeMessages.labelsFileNotCsv(file, rows[0]!.line, classes.length === 0 ? 'no image has a label (second column)' : `every image has the one label ${JSON.stringify(classes[0])}: classification needs at least two`));
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const items: ImageItem[] = rows.map((row) => {
    const labels = row.labels.map((l) => index.get(l)!).sort((a, b) => a - b);
    const label = labels[0] ?? -1;
    return { file: path.resolve(root, row.path), relativePath: row.path, label, className: label < 0 ? '(no label)' : classes[label]!, labels };
  });

  const warnings: string[] = [];
  const hint = separatorHint(classes, separator, file);
  if (hint !== undefined) warnings.push(hint);
  const listed = new Set(items.map((item) => item.file));
  const unlisted = (await listImageFiles(root, warnings)).filter((f) => !listed.has(f.file));
  if (unlisted.length > 0) {
    const shown = unlisted.slice(0, 3).map((f) => f.relativePath).join(', ');
    warnings.push(`${unlisted.length} image${unlisted.length === 1 ? '' : 's'} in the data folder ${unlisted.length === 1 ? 'is' : 'are'} not listed in ${path.basename(file)} and left out (${shown}${unlisted.length > 3 ? ', …' : ''})`);
  }
  const counts = new Array<number>(classes.length).fill(0);
  for (const item of items) for (const l of item.labels!) counts[l]!++;
  const rare = classes.filter((_, c) => counts[c] === 1);
  if (rare.length > 0) warnings.push(`${rare.length === 1 ? 'the label' : 'the labels'} ${rare.join(', ')} ${rare.length === 1 ? 'is' : 'are'} on a single image: too few to learn from, and at most one of training and validation has ${rare.length === 1 ? 'it' : 'them'}`);
  return { root, classes, items, warnings };
}
