#!/bin/sh
# Runs a script on the Node.js Ferry ships and tests on (.nvmrc), fetched first when the machine's
# node is another version (scripts/runtime.mjs). That node is first on PATH for everything the script
# starts: npm, tsc and the services run on it too.
set -e
node_bin=$(node "$(dirname "$0")/runtime.mjs")
PATH="$(dirname "$node_bin"):$PATH"
export PATH
exec "$node_bin" "$@"
