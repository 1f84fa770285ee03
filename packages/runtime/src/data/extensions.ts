// Which files count as images: by extension, case-insensitively, like Keras's
// flow_from_directory white list. BMP is listed although sharp cannot decode it, so a BMP is
// reported as a bad image with a reason instead of being silently left out.
import path from 'node:path';

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp'];

/** A visible file whose extension names an image format. */
export function isImageFileName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}
