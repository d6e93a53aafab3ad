#!/usr/bin/env bash
# Called by make before the first compile: names the missing piece and how to get it.
ilc="$1"; sdk="$2"
missing=0
need() { echo "build: $1 is missing. $2" >&2; missing=1; }
command -v dotnet >/dev/null || need "dotnet (the .NET SDK)" "Install .NET SDK 10."
[ -n "$sdk" ] && [ -f "$sdk/Roslyn/bincore/csc.dll" ] || need "csc.dll (Roslyn, in the .NET SDK)" "Expected under $sdk/Roslyn/bincore."
[ -x "$ilc" ] || need "ilc ($ilc)" "Run: make deps"
command -v arm-none-eabi-gcc >/dev/null || need "arm-none-eabi-gcc" "Run: make deps (Debian gcc-arm-none-eabi)"
[ -n "$(arm-none-eabi-gcc -print-file-name=libc_nano.a 2>/dev/null | grep /)" ] || need "newlib nano" "Run: make deps (Debian libnewlib-arm-none-eabi)"
exit $missing
