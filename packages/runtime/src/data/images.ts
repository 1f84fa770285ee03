// Where a dataset's decoded pixels live: in memory (one Uint8Array per image, as decoded), or in
// the pixel cache on disk (one file of fixed-size uint8 HWC slots, pixel-cache.ts), read back a
// batch at a time so memory stays bounded whatever the number of images. Both give the same
// bytes for the same image; `read` is what the training loop's prefetch calls ahead of time.
import { closeSync, openSync, read, readSync } from 'node:fs';

export interface ImageStore {
  /** Number of images. */
  readonly count: number;
  /** Bytes held in memory (0 for the disk store). */
  readonly bytesInMemory: number;
  /** Image i's pixels, HWC 0..255 (do not modify). */
  image(index: number): Uint8Array;
  /** The pixels of several images, in the order given (the disk store reads them in parallel). */
  read(indices: ArrayLike<number>): Promise<Uint8Array[]>;
  /** Releases what the store holds open (the disk store's file). */
  close(): Promise<void>;
}

export class MemoryImages implements ImageStore {
  constructor(private readonly images: readonly Uint8Array[]) {}

  get count(): number {
    return this.images.length;
  }

  get bytesInMemory(): number {
    return this.images.reduce((sum, image) => sum + image.byteLength, 0);
  }

  image(index: number): Uint8Array {
    return this.images[index]!;
  }

  read(indices: ArrayLike<number>): Promise<Uint8Array[]> {
    return Promise.resolve(Array.from(indices, (i) => this.images[i]!));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class DiskImages implements ImageStore {
  /** Opened at once: the file stays readable for this run even if the entry is removed meanwhile. */
  private fd: number | null;

  constructor(
    /** The cache's pixel file: image slot s at byte s x valuesPerImage. */
    readonly file: string,
    private readonly valuesPerImage: number,
    /** Each dataset image's slot in the file. */
    private readonly slots: Int32Array,
  ) {
    this.fd = openSync(file, 'r');
  }

  get count(): number {
    return this.slots.length;
  }

  get bytesInMemory(): number {
    return 0;
  }

  image(index: number): Uint8Array {
    const pixels = new Uint8Array(this.valuesPerImage);
    const fd = this.open();
    const position = this.slots[index]! * this.valuesPerImage;
    for (let done = 0; done < pixels.length;) {
      const got = readSync(fd, pixels, done, pixels.length - done, position + done);
      if (got === 0) throw this.cut();
      done += got;
    }
    return pixels;
  }

  async read(indices: ArrayLike<number>): Promise<Uint8Array[]> {
    const fd = this.open();
    const n = this.valuesPerImage;
    const buffer = new Uint8Array(indices.length * n);
    const views = Array.from({ length: indices.length }, (_, i) => buffer.subarray(i * n, (i + 1) * n));
    await Promise.all(views.map(async (view, i) => {
      const position = this.slots[indices[i]!]! * n;
      for (let done = 0; done < n;) {
        const got = await readAt(fd, view, done, n - done, position + done);
        if (got === 0) throw this.cut();
        done += got;
      }
    }));
    return views;
  }

  close(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    return Promise.resolve();
  }

  private open(): number {
    // Reopened when read again after close (a dataset read once more, e.g. by a test).
    this.fd ??= openSync(this.file, 'r');
    return this.fd;
  }

  private cut(): Error {
    return new Error(`the pixel cache ${this.file} ends early (cut while in use?)`);
  }
}

/**
 * The images of a set whose pixels nobody on this side reads: the torch engine's training set,
 * which its trainer decodes itself from the file list (checked for bad files, pixels dropped).
 */
export class UnstoredImages implements ImageStore {
  constructor(readonly count: number) {}

  get bytesInMemory(): number {
    return 0;
  }

  image(index: number): Uint8Array {
    throw new Error(`image ${index}: this set's pixels were not kept (the torch engine's trainer decodes them itself)`);
  }

  read(indices: ArrayLike<number>): Promise<Uint8Array[]> {
    return Promise.reject(new Error(`images ${Array.from(indices).slice(0, 3).join(', ')}…: this set's pixels were not kept (the torch engine's trainer decodes them itself)`));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** fs.read at a position, on libuv's thread pool. */
function readAt(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
}
