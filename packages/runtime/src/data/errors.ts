// The error the data pipeline raises: a stable TL41xx code and a message for people that names
// the folder or files involved. The CLI prints `message` as is (it is never a stack trace).

export const DATA_ERROR_CODES = {
  /** The data folder (or a folder inside it) does not exist, is not a folder, or cannot be read. */
  folderMissing: 'TL4101',
  /** The data folder has no class sub-folders. */
  noClassFolders: 'TL4102',
  /** Only one class folder: classification needs two or more. */
  singleClass: 'TL4103',
  /** One or more class folders hold no (usable) images. */
  emptyClass: 'TL4104',
  /** No images anywhere in the data folder. */
  noImages: 'TL4105',
  /** A class folder name that is not a plain name inside the data folder. */
  unsafeClassName: 'TL4106',
  /** A second folder (validation, evaluation) whose classes differ from the training classes. */
  classMismatch: 'TL4107',
  /** Bad image files with `on bad image fail`. */
  badImages: 'TL4108',
  /** A validation split that cannot be made (fraction out of range, too few images). */
  badSplit: 'TL4109',
  /** The decoded images would not fit in this machine's memory. */
  tooLargeForMemory: 'TL4110',
} as const;

export type DataErrorCode = (typeof DATA_ERROR_CODES)[keyof typeof DATA_ERROR_CODES];

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(`error[${code}]: ${message}`);
  }
}
