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
# lwIP's objects (static functions too: nm lists local symbols with their object's code).
lwip_symbols=$(find "$build/lwip" -name '*.o' 2>/dev/null | xargs -r arm-none-eabi-nm --defined-only | awk 'NF == 3 { print $3 }' | sort -u | tr '\n' ' ')

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

# ilc's symbols carry no sizes: a symbol's size is the gap to the next symbol in its section.
# Aliases (several names at one address) count once, under the most telling name.
{
    arm-none-eabi-size -A -d "$elf" | awk '$1 ~ /^\.(text|data|bss)$/ { printf "S %s %s %s\n", $1, $3, $2 }'
    arm-none-eabi-nm -n -S -t d --defined-only "$elf" | awk 'NF == 3 { printf "Y %s - %s %s\n", $1, $2, $3 } NF == 4 { printf "Y %s %d %s %s\n", $1, $2, $3, $4 }'
} | awk -v native="$native_symbols" -v lwip="$lwip_symbols" '
    BEGIN {
        n = split(native, list, " "); for (i = 1; i <= n; i++) isnative[list[i]] = 1
        n = split(lwip, list, " "); for (i = 1; i <= n; i++) islwip[list[i]] = 1
    }
    function marker(sym) {
        return sym ~ /^_fram0/ || sym ~ /^__(data|bss|heap|stack|modules)_(start|end|load|top|bottom)$/ || sym ~ /^(STACK_SIZE|__security_cookie_end)$/ || sym ~ /^\$[atd]/
    }
    function component(sym,   name) {
        name = sym; sub(/^_ZTV[0-9]+/, "", name); sub(/^__(InterfaceDispatchMap|InterfaceDispatchCell|GCSTATICS|NONGCSTATICS|writableData)_?/, "", name)
        if (sym in isnative) return "native"
        if (sym in islwip) return "lwIP"
        if (name ~ /^firmware_ChargePoint_Core_/) return "Core"
        if (name ~ /^firmware_ChargePoint_Drivers_/) return "Drivers"
        if (name ~ /^firmware_ChargePoint_Boards_/) return "Boards"
        if (name ~ /^firmware_/) return "firmware root"
        if (name ~ /^corelib_/ || sym ~ /^_ZTV/ || name ~ /^(String|Object|Array)__/) return "runtime"
        if (sym ~ /^__Str_/) return "strings"
        if (sym ~ /^_/ || sym ~ /\$thunk$/) return "ilc data"
        return "C library"
    }
    # The layers of Core and each driver, for the second table.
    function detail(sym,   name, parts, n) {
        name = sym; sub(/^_ZTV[0-9]+/, "", name); sub(/^__(InterfaceDispatchMap|InterfaceDispatchCell|GCSTATICS|NONGCSTATICS|writableData)_?/, "", name)
        if (name ~ /^firmware_ChargePoint_Core_Ocpp_Rpc_/) return "Core/Ocpp/Rpc"
        if (name ~ /^firmware_ChargePoint_Core_Ocpp_Configuration_/) return "Core/Ocpp/Configuration"
        if (name ~ /^firmware_ChargePoint_Core_/) {
            n = split(name, parts, "_")
            return "Core/" parts[4]
        }
        if (name ~ /^firmware_ChargePoint_Drivers_/) {
            n = split(name, parts, "_")
            return "Drivers/" parts[4]
        }
        return ""
    }
    $1 == "S" { sec[++ns] = $2; lo[ns] = $3; hi[ns] = $3 + $4; next }
    $1 == "Y" {
        addr = $2 + 0; known = $3; sym = $5
        if (marker(sym)) next
        s = 0
        for (i = 1; i <= ns; i++) if (addr >= lo[i] && addr < hi[i]) s = i
        if (s == 0) next
        if (addr == last_addr && s == last_sec) next
        count++; a[count] = addr; c[count] = component(sym); d[count] = detail(sym); in_sec[count] = s; size[count] = known
        last_addr = addr; last_sec = s
    }
    END {
        for (k = 1; k <= count; k++) {
            s = in_sec[k]
            end = (k < count && in_sec[k + 1] == s) ? a[k + 1] : hi[s]
            sz = end - a[k]
            region = sec[s] == ".text" ? "flash" : (sec[s] == ".data" ? "data" : "bss")
            # A C symbol knows its size; the rest of the gap is alignment or padding.
            if (size[k] != "-" && size[k] + 0 < sz) { total["padding", region] += sz - size[k]; comps["padding"] = 1; sz = size[k] + 0 }
            total[c[k], region] += sz; comps[c[k]] = 1
            if (d[k] != "") { dtotal[d[k], region] += sz; dnames[d[k]] = 1 }
        }
        printf "  %-14s %8s %8s   (flash: code, constants and the .data image; ram: .data + .bss)\n", "component", "flash", "ram"
        order = "runtime Core Drivers Boards firmware_root native lwIP C_library strings ilc_data padding"
        n = split(order, names, " ")
        for (i = 1; i <= n; i++) {
            comp = names[i]; gsub(/_/, " ", comp)
            if (!(comp in comps)) continue
            printf "  %-14s %8d %8d\n", comp, total[comp, "flash"] + total[comp, "data"], total[comp, "data"] + total[comp, "bss"]
        }
        # Core by layer, Drivers by driver (static RAM only: buffers made at boot are on the heap).
        nd = 0
        for (name in dnames) list[++nd] = name
        for (i = 1; i <= nd; i++) for (j = i + 1; j <= nd; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
        printf "  %-24s %8s %8s\n", "layer / driver", "flash", "ram"
        for (i = 1; i <= nd; i++) {
            name = list[i]
            printf "  %-24s %8d %8d\n", name, dtotal[name, "flash"] + dtotal[name, "data"], dtotal[name, "data"] + dtotal[name, "bss"]
        }
    }'
