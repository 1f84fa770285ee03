// Where a dataset's decoded pixels live: in memory (one Uint8Array per image, as decoded), or in
// the pixel cache on disk (one file of fixed-size uint8 HWC slots, pixel-cache.ts), read back a
// batch at a time so memory stays bounded whatever the number of images. Both give the same
// bytes for the same image; `read` is what the training loop's prefetch calls ahead of time.
import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

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
  private handle: Promise<FileHandle> | null = null;

  constructor(
    /** The cache's pixel file: image slot s at byte s x valuesPerImage. */
    readonly file: string,
    private readonly valuesPerImage: number,
    /** Each dataset image's slot in the file. */
    private readonly slots: Int32Array,
  ) {}

  get count(): number {
    return this.slots.length;
  }

  get bytesInMemory(): number {
    return 0;
  }

  image(index: number): Uint8Array {
    const pixels = new Uint8Array(this.valuesPerImage);
    const fd = openSync(this.file, 'r');
    try {
      this.readFully((buffer, offset, length, position) => readSync(fd, buffer, offset, length, position), pixels, this.slots[index]!);
    } finally {
      closeSync(fd);
    }
    return pixels;
  }

  async read(indices: ArrayLike<number>): Promise<Uint8Array[]> {
    this.handle ??= open(this.file, 'r');
    const handle = await this.handle;
    const n = this.valuesPerImage;
    const buffer = new Uint8Array(indices.length * n);
    const views = Array.from({ length: indices.length }, (_, i) => buffer.subarray(i * n, (i + 1) * n));
    await Promise.all(views.map(async (view, i) => {
      let done = 0;
      const position = this.slots[indices[i]!]! * n;
      while (done < n) {
        const { bytesRead } = await handle.read(view, done, n - done, position + done);
        if (bytesRead === 0) throw new Error(`the pixel cache ${this.file} ends early (removed or cut while in use?)`);
        done += bytesRead;
      }
    }));
    return views;
  }

  private readFully(read: (buffer: Uint8Array, offset: number, length: number, position: number) => number, pixels: Uint8Array, slot: number): void {
    const n = this.valuesPerImage;
    let done = 0;
    while (done < n) {
      const got = read(pixels, done, n - done, slot * n + done);
      if (got === 0) throw new Error(`the pixel cache ${this.file} ends early (removed or cut while in use?)`);
      done += got;
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) await (await handle).close();
  }
}
