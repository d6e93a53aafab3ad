#!/usr/bin/env bash
# Lists the static constructors ilc could not evaluate at compile time: native/modules.c runs
# them at boot, before firmware_main. Printed by the build so that none goes unnoticed.
# Usage: tools/class-constructors.sh build/<board>/firmware.o
names=$(arm-none-eabi-nm --defined-only "$1" | awk '$3 ~ /___cctor$/ && $3 !~ /^_/ { print $3 }' | sed -E 's/^(firmware|corelib)_//; s/___cctor$//; s/_/./g' | sort)
if [ -n "$names" ]; then
    echo "        boot-time static constructors: $(echo $names | tr ' ' ',' | sed 's/,/, /g')"
fi
