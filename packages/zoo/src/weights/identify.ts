// Which catalog weights file a file on disk is, checked as strictly as the catalog allows: by its
// hash where Keras publishes one (any name), else by its name and then its layers: every weight
// of the backbone must find a file weight of the same shape, and the file must hold nothing else.
// A file that fails is refused with a TL44xx code: damaged (TL4401), another model's (TL4402),
// or none the catalog knows (TL4403).
import { basename } from 'node:path';
import { buildBackbone } from '../builders/index';
import { findModel } from '../catalog/index';
import { damagedWeightsFile, unknownWeightsFile, WeightsError, wrongModelWeightsFile } from './errors';
import { openKerasH5 } from './h5-reader';
import { hashFile } from './hash';
import { describeUser, knownWeightsFiles, type KnownWeightsFile } from './known-files';
import { loadWeights } from './load';

export interface IdentifiedWeightsFile {
  known: KnownWeightsFile;
  /** How the file was checked: its hash (the algorithm), or its layer names and shapes. */
  checkedBy: 'md5' | 'sha256' | 'layers';
}

export async function identifyWeightsFile(path: string): Promise<IdentifiedWeightsFile> {
  const known = knownWeightsFiles();
  const hashes = { md5: await hashFile(path, 'md5'), sha256: await hashFile(path, 'sha256') };
  const byHash = known.find((k) => k.file.hashAlgorithm !== null && k.file.hash?.toLowerCase() === hashes[k.file.hashAlgorithm]);
  if (byHash) return { known: byHash, checkedBy: byHash.file.hashAlgorithm! };
  const name = basename(path);
  const byName = known.find((k) => k.file.fileName === name);
  if (!byName) {
    (await openKerasH5(path)).close(); // a damaged file says so (TL4401) before being called unknown
    throw unknownWeightsFile(path, closestName(name, known.map((k) => k.file.fileName)));
  }
  const problems = await layerProblems(path, byName);
  const expected = byName.users.map(describeUser).join(' or ');
  if (problems.length > 0) throw wrongModelWeightsFile(path, `${expected} (${name})`, problems);
  if (byName.file.hash !== null) {
    const actual = hashes[byName.file.hashAlgorithm!];
    throw damagedWeightsFile(
      `${path} is damaged: its ${byName.file.hashAlgorithm} hash is ${actual}, expected ${byName.file.hash}; its layers are ` +
        `${expected}'s, so its values were altered (a broken download or copy) or come from another release. Download it again`,
    );
  }
  return { known: byName, checkedBy: 'layers' };
}

/**
 * What keeps the file from loading into its first user, built at its smallest input: weights
 * that would stay unset, file layers nothing takes. Empty when every weight lands.
 */
async function layerProblems(path: string, known: KnownWeightsFile): Promise<string[]> {
  const user = known.users[0]!;
  const entry = findModel(user.model)!;
  const size = Math.ceil(Math.max(entry.minInputSize, 32) / entry.inputSizeMultiple) * entry.inputSizeMultiple;
  const model = buildBackbone(user.model, { inputShape: [size, size, 3], ...(user.alpha !== undefined ? { alpha: user.alpha } : {}), init: 'zeros' });
  try {
    let report;
    try {
      report = await loadWeights(model, { path, format: 'h5' }, { match: entry.weightsMatch ?? 'name' });
    } catch (error) {
      if (!(error instanceof WeightsError)) throw error;
      if (error.code === 'TL4404') return [error.message.split('\n')[0]]; // layers out of the model's order
      throw error.code === undefined ? damagedWeightsFile(error.message) : error;
    }
    return [
      ...report.skipped.map(({ layer, reason }) => `layer ${layer}: ${reason}`),
      ...report.unused.map((layer) => `the file's layer ${layer} is not in the model`),
      ...report.assignedTwice.map((weight) => `weight ${weight} set more than once`),
    ];
  } finally {
    model.dispose();
  }
}

/** The known name nearest to `name` (edit distance at most a third of its length). */
function closestName(name: string, names: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
