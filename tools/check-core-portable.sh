#!/usr/bin/env bash
# firmware/Core is compiled for the device and for the host tests: it may use only what both
# runtimes offer, and nothing of the device (Drivers, Boards, native, the runtime's device API).
cd "$(dirname "$0")/.."
bad=$(grep -rnE 'ChargePoint\.(Drivers|Boards)|Internal\.Runtime|RuntimeImport|DllImport|UnmanagedCallersOnly|Mmio\.' firmware/Core --include='*.cs')
if [ -n "$bad" ]; then
    echo "firmware/Core must stay portable (no Drivers, Boards, native or device runtime API):" >&2
    echo "$bad" >&2
    exit 1
fi
