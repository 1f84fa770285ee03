// File and stream hashing as Keras's `get_file` verifies downloads (md5 for 32-hex hashes,
// sha256 for 64-hex ones).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type HashAlgorithm = 'md5' | 'sha256';

export function newHash(algorithm: HashAlgorithm): Hash {
  return createHash(algorithm);
}

/** The hex digest of a file's bytes. */
export async function hashFile(path: string, algorithm: HashAlgorithm): Promise<string> {
  const hash = newHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
