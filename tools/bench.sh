#!/usr/bin/env bash
# `make bench`: our JSON codec (firmware/Core/Json) against System.Text.Json on OCPP messages, and
# the session stream's lines and ring (firmware/Core/SessionLog) against the same in C with snprintf
# (bench/usblog_format.c, built here with the host's gcc -O2 into build/bench/libusblog_c.so and
# called through P/Invoke), with BenchmarkDotNet (bench/ChargePoint.Bench.csproj). Restores, builds
# in Release, checks that both sides produce the same bytes, runs a short job (a few minutes on
# 2 cores) and ends with one line per message, then the session stream's two:
#   bench <message> parse <ratio>x write <ratio>x alloc <bytes> B
#   bench usblog lines/s ours <n> C <n>, bytes/s ours <n> C <n>
#   bench usblog format <ratio>x alloc <bytes> B
# ratio = the other side's mean time / ours (above 1: ours is faster); alloc = the bytes ours
# allocated per operation. BenchmarkDotNet's reports go to build/bench/BenchmarkDotNet.Artifacts/.
# Extra arguments go to the benchmark program.
set -euo pipefail
cd "$(dirname "$0")/.."
project=bench/ChargePoint.Bench.csproj
artifacts=build/bench/BenchmarkDotNet.Artifacts
mkdir -p "$artifacts"
log="$artifacts/bench.log"

# The C side of the session stream's benchmark, with the host's compiler, as a C firmware would build it.
library="$PWD/build/bench/libusblog_c.so"
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$library" bench/usblog_format.c
export SHARPCHARGE_USBLOG_C="$library"

dotnet restore "$project" --nologo -v quiet
dotnet build "$project" -c Release --no-restore --nologo -v quiet

# BenchmarkDotNet prints its summary; the result lines are held back and printed last.
set +e
# Run from bench/, where BenchmarkDotNet finds the project it builds its runner against.
(cd bench && dotnet bin/Release/net10.0/ChargePoint.Bench.dll --artifacts "../$artifacts" "$@") 2>&1 | tee "$log" | sed -u '/^bench /d'
status=${PIPESTATUS[0]}
set -e
lines=$(grep -E '^bench ' "$log" || true)
echo
if [ -n "$lines" ]; then echo "$lines"; fi
if [ "$status" -eq 0 ] && [ "$(grep -cE '^bench [A-Za-z]+ parse [0-9]+\.[0-9]{2}x write [0-9]+\.[0-9]{2}x alloc [0-9]+ B$' <<<"$lines")" -ne 3 ]; then
    echo "bench: expected 3 result lines" >&2
    status=1
fi
if [ "$status" -eq 0 ] && ! tail -n 1 <<<"$lines" | grep -qE '^bench usblog format [0-9]+\.[0-9]{2}x alloc [0-9]+ B$'; then
    echo "bench: expected the session stream's line (bench usblog format <ratio>x alloc <bytes> B) last" >&2
    status=1
fi
exit "$status"
