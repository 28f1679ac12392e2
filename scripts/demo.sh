#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real scan of 127.0.0.1's most common ports, inside a throwaway network
# namespace (so it never touches this machine's own services), with an HTTP
# and an SSH-like listener to find.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ns="cmapdemo$$"
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" /usr/bin/python3 -m http.server 80 --bind 127.0.0.1 >/dev/null 2>&1 &
ip netns exec "$ns" /usr/bin/python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 22)); s.listen(8); time.sleep(30)' &
sleep 0.5
ip netns exec "$ns" "$root/build/cmap" "$@" 127.0.0.1
