#!/usr/bin/env bash
# Runs the test project and ends with one plain summary line ("N passed, N failed, N skipped").
# Extra arguments go to dotnet test (e.g. --filter "Category!=Emulator").
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet test tests/ChargePoint.Tests.csproj --nologo -v quiet "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+' "$log" | tail -n 1)
rm -f "$log"
if [ -n "$summary" ]; then
    failed=$(echo "$summary" | sed -E 's/.*Failed: +([0-9]+).*/\1/')
    passed=$(echo "$summary" | sed -E 's/.*Passed: +([0-9]+).*/\1/')
    skipped=$(echo "$summary" | sed -E 's/.*Skipped: +([0-9]+).*/\1/')
    echo "tests: $passed passed, $failed failed, $skipped skipped"
else
    echo "tests: no test summary from dotnet test (build error?)"
    [ "$status" -eq 0 ] && status=1
fi
exit "$status"
