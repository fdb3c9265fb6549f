#!/bin/sh
# Runs bench/sse_connections.mjs with the descriptor limit raised to the hard limit (the server
# raises its own too). Arguments are passed on: [steps] [client processes].
ulimit -n "$(ulimit -Hn)"
exec node "$(dirname "$0")/sse_connections.mjs" "$@"
