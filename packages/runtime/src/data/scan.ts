// Reading a class-per-folder image collection (Keras's flow_from_directory): each visible
// sub-folder of the data folder is a class, class names are the folder names in sorted order
// (label i = i-th name), and the images are every image file inside a class folder, nested
// folders included. Everything that would make training meaningless is a RunError (TL41xx) here,
// before any image is decoded: a missing folder, no class folders, a single class, an empty
// class, no images, a class folder that is not a plain name inside the data folder.
import fs from 'node:fs/promises';
import path from 'node:path';
import { RunError, runtimeMessages } from '../messages';
import { IMAGE_EXTENSIONS, isImageFileName } from './extensions';
import { assertFolder, byCodePoint, listImageFiles } from './walk';

export interface ImageItem {
  /** Absolute path of the image file. */
  file: string;
  /** Path relative to the scanned data folder, `/`-separated (`cats/001.jpg`): for reports. */
  relativePath: string;
  /** Index into the class list (with a labels file: the image's first label, -1 for none). */
  label: number;
  className: string;
  /** With a labels file: every label of the image, in class order (several, one or none). */
  labels?: number[];
}

export interface ScannedFolder {
  /** The data folder, absolute. */
  root: string;
  /** Class names, sorted; a label is an index into this list. */
  classes: string[];
  /** Every image, class by class, sorted by path within a class. */
  items: ImageItem[];
  /** Things skipped that the user should hear about (symbolic link loops, broken links). */
  warnings: string[];
}

export interface ScanOptions {
  /**
   * The classes this folder must have, in order (a validation or evaluation folder must have
   * exactly the training classes). When given, a single class is allowed if it is the list.
   */
  expectedClasses?: readonly string[];
  /** Says which folder this is in messages: "data folder" (default), "validation folder". */
  role?: string;
}

const isInside = (parent: string, child: string): boolean => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * Refuses a class folder name that is not a plain file name (`..`, `.`, one with a path
 * separator or NUL) or that resolves to a place outside the data folder, following links.
 */
export async function assertSafeClassFolder(root: string, name: string): Promise<string> {
  const refuse = (why: string): never => {
    throw new RunError(runtimeMessages.unsafeClassFolder(name, root, why));
  };
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) refuse('a class folder must be a plain folder name inside the data folder');
  const folder = path.resolve(root, name);
  if (!isInside(path.resolve(root), folder)) refuse('it resolves outside the data folder');
  const realRoot = await fs.realpath(root);
  const realFolder = await fs.realpath(folder).catch(() => folder);
  if (!isInside(realRoot, realFolder)) {
    refuse(`it is a link to ${realFolder}, outside the data folder (move or copy the images into the data folder)`);
  }
  return folder;
}

async function classFolderNames(root: string): Promise<{ names: string[]; looseImages: number }> {
  const names: string[] = [];
  let looseImages = 0;
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    let isFolder = entry.isDirectory();
    if (entry.isSymbolicLink()) isFolder = (await fs.stat(path.join(root, entry.name)).catch(() => null))?.isDirectory() ?? false;
    if (isFolder) names.push(entry.name);
    else if (isImageFileName(entry.name)) looseImages++;
  }
  return { names: names.sort(byCodePoint), looseImages };
}

function checkClasses(root: string, role: string, classes: string[], looseImages: number, expected: readonly string[] | undefined): void {
  if (classes.length === 0) {
    throw new RunError(runtimeMessages.noClassFolders(role, root, looseImages));
  }
  if (expected !== undefined) {
    const missing = expected.filter((name) => !classes.includes(name));
    const extra = classes.filter((name) => !expected.includes(name));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `not in training: ${extra.join(', ')}` : ''].filter(Boolean);
      throw new RunError(runtimeMessages.classMismatch(role, root, expected, parts));
    }
  } else if (classes.length === 1) {
    throw new RunError(runtimeMessages.singleClass(role, root, classes[0]));
  }
}

/** Scans a class-per-folder collection; throws a RunError for every unusable layout. */
export async function scanImageFolder(dir: string, options: ScanOptions = {}): Promise<ScannedFolder> {
  const role = options.role ?? 'data folder';
  const root = path.resolve(dir);
  await assertFolder(root, role);
  const { names, looseImages } = await classFolderNames(root);
  checkClasses(root, role, names, looseImages, options.expectedClasses);
  const classes = options.expectedClasses ? [...options.expectedClasses] : names;
  const warnings: string[] = [];
  const items: ImageItem[] = [];
  const empty: string[] = [];
  for (const [label, className] of classes.entries()) {
    const folder = await assertSafeClassFolder(root, className);
    const files = await listImageFiles(folder, warnings);
    if (files.length === 0) empty.push(className);
    for (const listed of files) items.push({ file: listed.file, relativePath: `${className}/${listed.relativePath}`, label, className });
  }
  if (items.length === 0) {
    throw new RunError(runtimeMessages.noImages(role, root, classes, IMAGE_EXTENSIONS));
  }
  if (empty.length > 0) {
    throw new RunError(runtimeMessages.emptyClasses(role, root, empty));
  }
  return { root, classes, items, warnings };
}
