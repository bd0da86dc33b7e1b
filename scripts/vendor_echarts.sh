#!/usr/bin/env bash
# Vendor Apache ECharts into static/vendor/echarts/<version>/: the minified build with its
# LICENSE and NOTICE beside it (Apache-2.0 asks for both). Pinned by version in the path, so a
# new version is a new folder and a page names the one it was tested with; never a CDN
# (government networks are often offline: ARCHITECTURE §7).
#
#   scripts/vendor_echarts.sh            the pinned version (6.1.0)
#   scripts/vendor_echarts.sh 6.1.1      another one, into its own folder
#
# `npm pack` fetches the package's tarball through npm's own client and cache (so an
# offline machine with a filled ~/.npm cache works too: npm pack --offline is tried then) and
# checks its integrity against the registry's; nothing is installed, no node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-6.1.0}
dest=static/vendor/echarts/$version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! tarball=$(cd "$work" && npm pack --silent "echarts@$version" 2>/dev/null); then
  echo "[echarts] the registry did not answer: trying npm's local cache" >&2
  tarball=$(cd "$work" && npm pack --silent --offline "echarts@$version")
fi
tar -xzf "$work/$tarball" -C "$work" package/dist/echarts.min.js package/LICENSE package/NOTICE

mkdir -p "$dest"
cp "$work/package/dist/echarts.min.js" "$work/package/LICENSE" "$work/package/NOTICE" "$dest/"
echo "[echarts] $version → $dest:"
sha256sum "$dest"/* | sed 's/^/  /'
