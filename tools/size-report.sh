#!/usr/bin/env bash
# Flash and RAM of an image, per section and per component (runtime, Core, Drivers, Boards,
# firmware root, native, C library, ilc's type data), from the ELF's symbol table.
# Usage: tools/size-report.sh build/<board>[-variant] <name>
set -euo pipefail
build="$1"; name="$2"
elf="$build/$name.elf"
[ -f "$elf" ] || { echo "size: $elf not built" >&2; exit 1; }

# Symbols defined by our own C (native/*.c): everything else in C is newlib/libgcc.
native_symbols=$(arm-none-eabi-nm --defined-only "$build"/native/*.o | awk 'NF == 3 { print $3 }' | sort -u | tr '\n' ' ')

arm-none-eabi-size -A -d "$elf" | awk -v elf="$elf" '
    $1 ~ /^\./ { size[$1] = $2 }
    END {
        printf "%s\n", elf
        printf "  %-10s %8s %8s\n", "section", "flash", "ram"
        printf "  %-10s %8d %8s\n", ".text", size[".text"], "-"
        printf "  %-10s %8d %8d\n", ".data", size[".data"], size[".data"]
        printf "  %-10s %8s %8d\n", ".bss", "-", size[".bss"]
        printf "  %-10s %8s %8d\n", ".heap", "-", size[".heap"]
        printf "  %-10s %8s %8d\n", ".stack", "-", size[".stack"]
        printf "  %-10s %8d %8d  (static RAM %d + heap %d + stack %d)\n", "total", size[".text"] + size[".data"],
            size[".data"] + size[".bss"] + size[".heap"] + size[".stack"], size[".data"] + size[".bss"], size[".heap"], size[".stack"]
    }'

# One row per address (aliases share one), attributed by name.
arm-none-eabi-nm -S -t d --defined-only "$elf" | awk -v native="$native_symbols" '
    BEGIN { n = split(native, list, " "); for (i = 1; i <= n; i++) isnative[list[i]] = 1 }
    NF == 4 {
        addr = $1; sz = $2 + 0; kind = $3; sym = $4
        if (sz == 0 || kind ~ /[aAN]/) next
        if (sym ~ /^_fram0/ || sym ~ /\$thunk$/ && 0) next
        if (addr in seen) next
        seen[addr] = 1
        name = sym; sub(/^_ZTV[0-9]+/, "", name)
        if (sym in isnative) comp = "native"
        else if (name ~ /^firmware_ChargePoint_Core_/) comp = "Core"
        else if (name ~ /^firmware_ChargePoint_Drivers_/) comp = "Drivers"
        else if (name ~ /^firmware_ChargePoint_Boards_/) comp = "Boards"
        else if (name ~ /^firmware_/ || sym == "firmware_main") comp = "firmware root"
        else if (name ~ /^corelib_/ || sym ~ /^rt_/) comp = "runtime"
        else if (sym ~ /^_ZTV/) comp = "runtime"
        else if (sym ~ /^__Str_/ || sym ~ /^__/ || sym ~ /^_/ || sym ~ /\$thunk$/) comp = "ilc data"
        else comp = "C library"
        region = (kind ~ /[tTrR]/) ? "flash" : (kind ~ /[dD]/ ? "data" : "bss")
        total[comp, region] += sz
        comps[comp] = 1
    }
    END {
        printf "  %-14s %8s %8s %8s   (flash = code/rodata + data image; ram = data + bss)\n", "component", "flash", "ram", "data"
        order = "runtime Core Drivers Boards firmware_root native C_library ilc_data"
        n = split(order, names, " ")
        for (i = 1; i <= n; i++) {
            c = names[i]; gsub(/_/, " ", c)
            if (!(c in comps)) continue
            printf "  %-14s %8d %8d %8d\n", c, total[c, "flash"] + total[c, "data"], total[c, "data"] + total[c, "bss"], total[c, "data"]
        }
    }'
