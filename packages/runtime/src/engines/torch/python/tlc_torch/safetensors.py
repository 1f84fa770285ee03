"""safetensors (float32) read and write without the safetensors package: an 8-byte little-endian
header length, a JSON header, raw little-endian data. Writes are atomic (temp file, rename)."""
import json
import os
import struct

import torch


def load(path):
    """{name: float32 tensor} from a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {entry['dtype']}; only F32 is read")
        begin, end = entry["data_offsets"]
        raw = bytearray(data[base + begin : base + end])
        t = torch.frombuffer(raw, dtype=torch.float32) if raw else torch.zeros(0)
        tensors[name] = t.reshape(entry["shape"]).clone()
    return tensors


def save(tensors, path, metadata=None):
    """Writes {name: tensor} as float32 safetensors, atomically."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        blob = t.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header)
    text += " " * ((8 - len(text.encode()) % 8) % 8)
    encoded = text.encode()
    temp = os.path.join(os.path.dirname(os.path.abspath(path)), "." + os.path.basename(path) + ".tmp")
    with open(temp, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)
