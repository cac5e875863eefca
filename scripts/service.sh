#!/bin/sh
# Starts one Ferry service (`sh scripts/service.sh mirror-config`) with the Node.js flags of
# services/node-flags.json (README, Settings, says why): the image's command, and compose's and
# Kubernetes'. Some of those flags are V8's own, which NODE_OPTIONS does not take.
set -eu
cd "$(dirname "$0")/.."
# shellcheck disable=SC2046 # one word per flag
exec node $(node -e 'process.stdout.write(require("./services/node-flags.json").join(" "))') "services/$1/dist/main.js"
