// Checks every file in a run folder after a fault: each one either complete and readable (JSON
// parses; CSV rows all have the header's columns and the file ends with a newline; a tfjs
// model.json parses and its weight files hold exactly the bytes its manifest lists; HTML ends
// with </html>) or visibly temporary (a hidden `.NAME….tmp` / `.part` name that nothing reads
// as the real file, or a hidden `.NAME.PID.HEX.tmp` / `.old` folder a model-folder swap left,
// which readers never take for the folder itself). Returns the problems found (empty when all is well) and what it counted.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { readOptimizerHeader } from '../../packages/runtime/src/train/optimizer-state';

export interface FolderCheck {
  problems: string[];
  /** Complete files checked. */
  checked: number;
  /** Temporary files left by a write the fault cut short. */
  temporary: string[];
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, string: 0 };

/** A model folder's hidden sibling left by a swap a fault cut short (see zoo's folder-swap.ts). */
const SWAP_LEFTOVER = /^\..+\.\d+\.[0-9a-f]+\.(tmp|old)$/;

function filesUnder(folder: string, leftovers: string[]): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = join(folder, entry.name);
    if (entry.isDirectory() && SWAP_LEFTOVER.test(entry.name)) {
      leftovers.push(full);
      return [];
    }
    return entry.isDirectory() ? filesUnder(full, leftovers) : [full];
  });
}

function checkJson(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `does not parse as JSON (${(error as Error).message})`;
  }
}

function checkCsv(text: string): string | undefined {
  if (!text.endsWith('\n')) return 'the last row is cut short (no final newline)';
  const rows = text.slice(0, -1).split('\n');
  const columns = rows[0]!.split(',').length;
  const ragged = rows.findIndex((row) => row.split(',').length !== columns);
  return ragged === -1 ? undefined : `row ${ragged + 1} has ${rows[ragged]!.split(',').length} columns, the header ${columns}`;
}

interface Manifest {
  weightsManifest?: { paths: string[]; weights: { shape: number[]; dtype: string; quantization?: { dtype: string } }[] }[];
}

/** A tfjs model.json: its weight files must hold exactly the bytes the manifest lists. */
function checkModelJson(file: string, text: string, seen: Set<string>): string | undefined {
  const jsonProblem = checkJson(text);
  if (jsonProblem) return jsonProblem;
  for (const group of (JSON.parse(text) as Manifest).weightsManifest ?? []) {
    const expected = group.weights.reduce((sum, w) => {
      const dtype = w.quantization?.dtype ?? w.dtype;
      return sum + w.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_VALUE[dtype] ?? 4);
    }, 0);
    let actual = 0;
    for (const path of group.paths) {
      const weights = join(dirname(file), path);
      seen.add(weights);
      try {
        actual += statSync(weights).size;
      } catch {
        return `names the weights file ${path}, which is missing`;
      }
    }
    if (actual !== expected) return `its manifest lists ${expected} bytes of weights, the files hold ${actual}`;
  }
  return undefined;
}

/**
 * A stage's frozen weights (checkpoints/frozen/<sha256>.bin) are written before the first model.json
 * that names them: a fault in between leaves one no model.json lists yet, complete when its bytes
 * hash to its name.
 */
function isWholeFrozenShard(file: string): boolean {
  const name = basename(file);
  return basename(dirname(file)) === 'frozen' && /^[0-9a-f]{64}\.bin$/.test(name)
    && createHash('sha256').update(readFileSync(file)).digest('hex') === name.slice(0, 64);
}

export function checkRunFolder(folder: string): FolderCheck {
  const result: FolderCheck = { problems: [], checked: 0, temporary: [] };
  const leftovers: string[] = [];
  const files = filesUnder(folder, leftovers);
  result.temporary.push(...leftovers.map((l) => `${relative(folder, l)}/`));
  const coveredByManifest = new Set<string>();
  // model.json first, so the weight files they list are known.
  const ordered = [...files.filter((f) => basename(f) === 'model.json'), ...files.filter((f) => basename(f) !== 'model.json')];
  for (const file of ordered) {
    const name = basename(file);
    const shown = relative(folder, file);
    if (/^\..*\.(tmp|part)$/.test(name)) {
      result.temporary.push(shown);
      continue;
    }
    const text = () => readFileSync(file, 'utf8');
    let problem: string | undefined;
    if (name === 'model.json') problem = checkModelJson(file, text(), coveredByManifest);
    else if (name.endsWith('.json')) problem = checkJson(text());
    else if (name.endsWith('.csv')) problem = checkCsv(text());
    else if (name.endsWith('.html')) problem = text().trimEnd().endsWith('</html>') ? undefined : 'is cut short (no closing </html>)';
    else if (name === 'optimizer.bin' || name === 'optimizer-next.bin') problem = readOptimizerHeader(readFileSync(file)) ? undefined : 'is not a whole optimizer state';
    else if (name.endsWith('.bin')) problem = coveredByManifest.has(file) || isWholeFrozenShard(file) ? undefined : 'is a weights file no model.json lists';
    else problem = 'is a file this check does not know how to verify';
    if (problem) result.problems.push(`${shown} ${problem}`);
    else result.checked++;
  }
  return result;
}
