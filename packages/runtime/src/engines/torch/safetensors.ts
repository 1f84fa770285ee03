// The safetensors format (huggingface/safetensors), float32 only: an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian data. PyTorch reads it without pickle; the trainer's reader is 20 lines of Python.
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The file's bytes: tensors in the given order, the header padded with spaces to 8 bytes. */
export function encodeSafetensors(tensors: NamedArray[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${t.name}: ${t.data.length} values for shape [${t.shape}]`);
    if (t.name in header) throw new Error(`tensor ${t.name} is named twice`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    // Float32Array is little-endian on every platform Node runs on.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** The tensors of a safetensors file (float32 only), by name. */
export function decodeSafetensors(bytes: Uint8Array): Map<string, NamedArray> {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  if (8 + length > bytes.length) throw new Error('not a safetensors file: the header runs past the end');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, HeaderEntry>;
  const base = 8 + length;
  const tensors = new Map<string, NamedArray>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (entry.dtype !== 'F32') throw new Error(`tensor ${name} is ${entry.dtype}; only F32 is read`);
    const [begin, end] = entry.data_offsets;
    if (base + end > bytes.length || end - begin !== entry.shape.reduce((a, b) => a * b, 1) * 4) throw new Error(`tensor ${name}: bad byte range`);
    // A copy: the file's offsets need not be 4-byte aligned (and a Buffer's slice is a view).
    const copy = new Uint8Array(end - begin);
    copy.set(bytes.subarray(base + begin, base + end));
    const data = new Float32Array(copy.buffer);
    tensors.set(name, { name, shape: entry.shape, data });
  }
  return tensors;
}
