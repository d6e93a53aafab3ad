#!/usr/bin/env bash
# Runs the test project and ends with one plain summary line ("N passed, N failed, N skipped").
# Extra arguments go to dotnet test (e.g. --filter "Category!=Emulator").
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
results=$(mktemp -d)
dotnet test tests/ChargePoint.Tests.csproj --nologo -v quiet --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The quiet console names a failed test but not why: print each failure's message from the results.
if [ "$status" -ne 0 ] && [ -f "$results/results.trx" ]; then
    python3 - "$results/results.trx" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iter("{%s}UnitTestResult" % ns["t"]):
    if r.get("outcome") != "Failed":
        continue
    message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
    text = (message.text or "") if message is not None else ""
    print("FAILED %s\n  %s" % (r.get("testName"), "\n  ".join(text.splitlines()[:40])))
PY
fi
rm -rf "$results"
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
