#!/usr/bin/env bash
# Installs what the build and the tests need on a Debian machine that has the .NET SDK.
# Idempotent: each step says what it checks and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }
fail() { printf 'deps: %s\n' "$*" >&2; exit 1; }

SUDO=""
[ "$(id -u)" != 0 ] && command -v sudo >/dev/null && SUDO=sudo
# fonts-dejavu-core: the font tools/logview draws its plots with (loaded from its file: no fontconfig).
APT_PACKAGES="gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm openocd screen fonts-dejavu-core"
missing=""
for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    step "apt: installing$missing"
    command -v apt-get >/dev/null || fail "apt-get not found: install$missing by hand"
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || fail "not root and no sudo: install$missing as root"
        SUDO=sudo
    fi
    $SUDO apt-get update -q || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing \
        || fail "apt-get install failed for:$missing"
else
    step "apt: all present ($APT_PACKAGES)"
fi

command -v dotnet >/dev/null || fail "the .NET SDK (dotnet) is not on PATH: install .NET SDK 10"
step "nuget: restoring the ILCompiler package (tools/deps/ilcompiler.csproj)"
dotnet restore tools/deps/ilcompiler.csproj --nologo -v quiet || fail "NuGet restore of the ILCompiler package failed"

ILC_VERSION=$(sed -n 's/^ILC_VERSION *:= *//p' Makefile)
ILC="${NUGET_PACKAGES:-$HOME/.nuget/packages}/runtime.linux-x64.microsoft.dotnet.ilcompiler/$ILC_VERSION/tools/ilc"
[ -f "$ILC" ] || fail "ilc $ILC_VERSION not found at $ILC after restore (version in Makefile and tools/deps/ilcompiler.csproj must match)"
chmod +x "$ILC"
step "ilc: $ILC"

step "nuget: restoring the test project"
dotnet restore tests/ChargePoint.Tests.csproj --nologo -v quiet || fail "NuGet restore of tests/ChargePoint.Tests.csproj failed"

step "nuget: restoring tools/logview (Spectre.Console, ScottPlot, SkiaSharp's Linux native library, System.IO.Ports)"
dotnet restore tools/logview/Logview.csproj --nologo -v quiet || fail "NuGet restore of tools/logview/Logview.csproj failed"

tools/fetch-lwip.sh || fail "fetching lwIP failed (see above)"

# The local central system (tools/csms): Node.js and the packages pinned in its lock file.
# python3 writes configuration blocks (tools/configblock.py).
extra=""
command -v node >/dev/null && command -v npm >/dev/null || extra="$extra nodejs npm"
command -v python3 >/dev/null || extra="$extra python3"
if [ -n "$extra" ]; then
    step "apt: installing$extra"
    $SUDO apt-get update -q || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $extra || fail "apt-get install failed for:$extra"
fi
step "npm: installing tools/csms's packages from its lock file (npm ci)"
(cd tools/csms && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in tools/csms failed"

for tool in arm-none-eabi-gcc qemu-system-arm openocd; do
    command -v "$tool" >/dev/null || fail "$tool still missing after install"
done
step "ready: $(arm-none-eabi-gcc --version | head -n 1); $(qemu-system-arm --version | head -n 1)"
