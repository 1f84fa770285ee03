// What the checker may know of the file system: a read-only view of the paths a pipeline names,
// relative to the .tl file's folder. `tlc check` and the language server pass one made from the
// disk (nodeFiles); without one (tests, a buffer that is not saved yet) the rules that need it
// stay silent, so the checker stays a pure function of the source.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FileSystemView {
  /** What `path` (as written in the source) is: a file, a folder, or nothing. */
  kind(path: string): 'file' | 'folder' | undefined;
  /**
   * The class folders of a data folder as the runtime reads them: its sub-folders (links
   * followed) whose names do not start with `.`, sorted; undefined when it cannot be read.
   */
  classFolders(path: string): string[] | undefined;
}

/** The disk, seen from `baseDir` (the .tl file's folder). */
export function nodeFiles(baseDir: string): FileSystemView {
  const resolve = (p: string) => path.resolve(baseDir, p);
  const kind = (p: string): 'file' | 'folder' | undefined => {
    try {
      const stats = statSync(resolve(p));
      return stats.isDirectory() ? 'folder' : 'file';
    } catch {
      return undefined;
    }
  };
  return {
    kind,
    classFolders(p) {
      try {
        return readdirSync(resolve(p))
          .filter((name) => !name.startsWith('.') && kind(path.join(p, name)) === 'folder')
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      } catch {
        return undefined;
      }
    },
  };
}
