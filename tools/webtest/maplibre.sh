#!/usr/bin/env bash
# maplibre.sh VERSION INTEGRITY DEST: fetch maplibre-gl@VERSION from the npm
# registry (npm pack), check the tarball against INTEGRITY (the registry's
# sha512, as in a package-lock.json) and copy the dist files the map page
# embeds, with their licence, into DEST. `make maplibre` runs it.
set -euo pipefail
version=$1 integrity=$2 dest=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "maplibre-gl@$version" >/dev/null)
tgz="$tmp/maplibre-gl-$version.tgz"
got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [ "$got" != "$integrity" ]; then
  echo "maplibre-gl@$version: integrity $got, want $integrity" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp"
mkdir -p "$dest"
for f in dist/maplibre-gl.mjs dist/maplibre-gl-worker.mjs dist/maplibre-gl.css LICENSE.txt; do
  cp "$tmp/package/$f" "$dest/"
done
printf 'maplibre-gl %s\n%s\n' "$version" "$integrity" >"$dest/VERSION"
ls -l "$dest"
