#!/usr/bin/env bash
# `make run`: boots the mps2-an500 image in QEMU with the local central system (tools/csms) beside
# it, so the demo session runs end to end. Quitting QEMU (Ctrl-A X, or Ctrl-C) stops both.
# The session stream (UART1) goes to BUILD_DIR/session.log: added here as QEMU's second -serial,
# after the console's (the arguments' -serial mon:stdio), so it is UART1 whoever calls this.
# Usage: tools/run-qemu.sh ELF BUILD_DIR CSMS(0|1) [qemu arguments...]
set -uo pipefail
cd "$(dirname "$0")/.."
elf="$1"; build="$2"; want_csms="$3"; shift 3

csms_pid=""
cleanup() {
    if [ -n "$csms_pid" ]; then
        kill "$csms_pid" 2>/dev/null
        wait "$csms_pid" 2>/dev/null
    fi
}
trap cleanup EXIT

if [ "$want_csms" = 1 ]; then
    [ -d tools/csms/node_modules ] || { echo "run: tools/csms has no node_modules: run 'make deps'" >&2; exit 1; }
    log="$build/csms.log"
    node tools/csms/csms.js > "$log" 2>&1 &
    csms_pid=$!
    # Wait (bounded) until it listens, or learn why it could not.
    for _ in $(seq 1 100); do
        grep -q "listening on" "$log" 2>/dev/null && break
        kill -0 "$csms_pid" 2>/dev/null || break
        sleep 0.1
    done
    if grep -q "listening on" "$log"; then
        echo "CSMS    tools/csms on ws://127.0.0.1:8180, SNTP on udp 1123 (its log: $log)"
    else
        echo "CSMS    tools/csms did not start (a central system already on port 8180? then that one is used):"
        sed 's/^/        /' "$log" | tail -n 5
        csms_pid=""
    fi
fi
session="$build/session.log"
watch="make logview LOGVIEW_FOLLOW=1"
[ "$session" = build/mps2-an500/session.log ] || watch="make logview LOGVIEW_IN=$session LOGVIEW_FOLLOW=1"
echo "SESSION the session stream (UART1) goes to $session: watch it with '$watch' or 'tail -f $session' in another terminal"
echo "QEMU    $elf  (quit: Ctrl-A then X)"
qemu-system-arm "$@" -serial "file:$session" -kernel "$elf"
