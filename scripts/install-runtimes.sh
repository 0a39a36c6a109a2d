#!/usr/bin/env bash
# Installs the other JavaScript runtimes the suite starts for real, from the npm registry, into a
# cache directory (not into node_modules: ~150 MB each that `npm ci` would fetch for every user):
#
#   bun        @oven/bun-linux-x64            the binary (npm pack: no install script runs)
#   deno       @deno/linux-x64-glibc          the binary
#   workers    miniflare + esbuild            workerd, Cloudflare's Workers runtime, and the
#                                             bundler wrangler uses, installed with npm
#   nextjs     next, react, react-dom,        a Next.js app's own dependencies (next brings its SWC
#              typescript, @types/*           binary as @next/swc-linux-x64-gnu), installed with npm;
#                                             test/runtimes/nextjs.test.ts hard-links this
#                                             node_modules into the app it builds (~390 MB)
#
# Already installed versions cost nothing (three file tests). Prints one `name=path` line each:
#   bun=<cache>/bun-1.4.5/bin/bun  deno=<cache>/deno-2.9.6/deno  workers=<cache>/workers-.../node_modules
#   nextjs=<cache>/nextjs-16.5.0-.../node_modules
#
#   bash scripts/install-runtimes.sh          # called by .ci/run and test/setup/global-setup.ts
#
# Environment: RUNTIMES_CACHE_DIR (default ~/.cache/jwt-extended/runtimes). Linux x64 only (the
# platform of CI and of the development machines); elsewhere it says so and installs nothing.
set -euo pipefail

BUN_VERSION=1.4.5
DENO_VERSION=2.9.6
# miniflare 4.2025.x: the last line that runs on Node 20 (later ones need Node 22).
MINIFLARE_VERSION=4.20251217.0
ESBUILD_VERSION=0.28.2
# Next.js 16 runs on Node >= 20.9; the app's versions are examples/nextjs/package.json's.
NEXT_VERSION=16.5.0
REACT_VERSION=19.3.1
NEXT_APP_TOOLS="typescript@5.9.3 @types/react@19.3.3 @types/node@20.19.43"

cache=${RUNTIMES_CACHE_DIR:-"$HOME/.cache/jwt-extended/runtimes"}

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "install-runtimes: only Linux x64 is set up (this is $(uname -s)-$(uname -m)); nothing installed" >&2
  exit 0
fi

mkdir -p "$cache"
# One installer at a time (parallel vitest runs share the cache); the others wait, then find it done.
exec 9>"$cache/.lock"
flock 9

# Unpacks the binary package $1@$2 into $cache/$3 (through a temporary directory, renamed at the
# end, so a half-done download is never taken for an installed runtime).
install_binary() {
  local package=$1 version=$2 dir="$cache/$3" tmp
  tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked" --strip-components=1
  chmod +x "$tmp/unpacked/$4"
  rm -rf "$dir"
  mv "$tmp/unpacked" "$dir"
  rm -rf "$tmp"
}

bun="$cache/bun-$BUN_VERSION/bin/bun"
[ -x "$bun" ] || install_binary @oven/bun-linux-x64 "$BUN_VERSION" "bun-$BUN_VERSION" bin/bun

deno="$cache/deno-$DENO_VERSION/deno"
[ -x "$deno" ] || install_binary @deno/linux-x64-glibc "$DENO_VERSION" "deno-$DENO_VERSION" deno

# Installs npm packages ($2...) into $cache/$1 (through a temporary directory, renamed at the end).
# Install scripts are not needed: workerd, esbuild and next's SWC find their platform binaries
# (optional dependencies) at run time.
install_npm() {
  local dir="$cache/$1" tmp
  shift
  [ -f "$dir/done" ] && return 0
  tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
  echo '{ "private": true }' >"$tmp/package.json"
  (cd "$tmp" && npm install --silent --no-audit --no-fund --ignore-scripts -E "$@" >/dev/null)
  touch "$tmp/done"
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

workers="$cache/workers-$MINIFLARE_VERSION-esbuild-$ESBUILD_VERSION"
install_npm "workers-$MINIFLARE_VERSION-esbuild-$ESBUILD_VERSION" "miniflare@$MINIFLARE_VERSION" "esbuild@$ESBUILD_VERSION"

# The directory is named by a hash of every spec, so changing any version installs anew.
next_specs="next@$NEXT_VERSION react@$REACT_VERSION react-dom@$REACT_VERSION $NEXT_APP_TOOLS"
next_dir="nextjs-$NEXT_VERSION-$(echo "$next_specs" | md5sum | cut -c1-8)"
nextjs="$cache/$next_dir"
# shellcheck disable=SC2086 # a list of package specs
install_npm "$next_dir" $next_specs

echo "bun=$bun"
echo "deno=$deno"
echo "workers=$workers/node_modules"
echo "nextjs=$nextjs/node_modules"
