#!/bin/sh
# GraphiQL's files from their npm packages into fitconnect/gateway/static/graphiql, where the
# gateway serves them (fitconnect/gateway/pages.py): GraphiQL then works offline. Run at build
# time (the Dockerfile does); needs npm and the npm registry, the gateway needs neither.
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/fitconnect/gateway/static/graphiql"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
take() {  # take PACKAGE@VERSION PATH-IN-PACKAGE NAME
    dir="$work/$(echo "$1" | tr '/@' '__')"
    mkdir -p "$dir"
    tarball="$(npm pack --silent --pack-destination "$dir" "$1")"
    tar -xzf "$dir/$tarball" -C "$dir"
    cp "$dir/package/$2" "$out/$3"
}
take react@18.2.0 umd/react.production.min.js react.production.min.js
take react-dom@18.2.0 umd/react-dom.production.min.js react-dom.production.min.js
take js-cookie@3.0.5 dist/js.cookie.min.js js.cookie.min.js
take graphiql@3.8.3 graphiql.min.css graphiql.min.css
take graphiql@3.8.3 graphiql.min.js graphiql.min.js
take @graphiql/plugin-explorer@1.0.2 dist/style.css plugin-explorer.css
take @graphiql/plugin-explorer@1.0.2 dist/index.umd.js plugin-explorer.umd.js
echo "GraphiQL vendored into $out"
