#!/usr/bin/env bash
# firmware/Core is compiled for the device and for the host tests: it may use only what both
# runtimes offer, and nothing of the device (Drivers, Boards, native, the runtime's device API).
# Usage: tools/check-core-portable.sh [core-folder]   (default: firmware/Core)
core="${1:-$(dirname "$0")/../firmware/Core}"
bad=$(grep -rnE 'ChargePoint\.(Drivers|Boards)|Internal\.Runtime|RuntimeImport|DllImport|UnmanagedCallersOnly|Mmio\.|Nvic\.' "$core" --include='*.cs')
if [ -n "$bad" ]; then
    echo "firmware/Core must stay portable (no Drivers, Boards, native or device runtime API):" >&2
    echo "$bad" >&2
    exit 1
fi
