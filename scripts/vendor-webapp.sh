#!/bin/sh
# The web app's libraries from their npm packages into fitconnect/gateway/static/vendor, where
# the gateway serves them (fitconnect/gateway/webapp.py), and axe-core (the accessibility
# check of the browser tests) into tests/.vendor. Run at install time (make, the Dockerfile);
# needs npm and the npm registry; the gateway needs neither. Idempotent.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fitconnect/gateway/static/vendor"
tests="$root/tests/.vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$tests"
take() {  # take PACKAGE@VERSION PATH-IN-PACKAGE DESTINATION
    [ -s "$3" ] && return 0
    dir="$work/$(echo "$1" | tr '/@' '__')"
    mkdir -p "$dir"
    tarball="$(npm pack --silent --pack-destination "$dir" "$1")"
    tar -xzf "$dir/$tarball" -C "$dir"
    cp "$dir/package/$2" "$3"
}
take uplot@1.6.31 dist/uPlot.iife.min.js "$out/uPlot.iife.min.js"
take uplot@1.6.31 dist/uPlot.min.css "$out/uPlot.min.css"
take graphql-ws@5.16.0 umd/graphql-ws.min.js "$out/graphql-ws.min.js"
take axe-core@4.10.2 axe.min.js "$tests/axe.min.js"
echo "web app libraries vendored into $out"
