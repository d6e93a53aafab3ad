# SharpCharge: C# (csc) -> ILCompiler (ilc, Thumb-2 object) -> arm-none-eabi-gcc link.
# Read top to bottom: configuration, tools, the pipeline, then the developer targets.
#
#   make deps                     install/restore every tool the build needs (Debian + .NET SDK)
#   make [BOARD=...]              build build/<board>/sharpcharge.elf (+ .bin, .map, size table)
#   make run                      boot the mps2-an500 image in QEMU, console on this terminal; the
#                                 session stream (UART1) goes to build/mps2-an500/session.log
#   make logview                  check, show and plot the session stream (tools/logview) into
#                                 build/logview/: LOGVIEW_IN=file|/dev/ttyACM0|tcp:host:port,
#                                 LOGVIEW_OUT=folder, LOGVIEW_FOLLOW=1 (follow it live, Ctrl-C ends)
#   make flash / make monitor     program the STM32F769I-DISCO / open its ST-LINK console
#   make monitor-usb              the board's USB CDC-ACM session stream in screen (USB_TTY=/dev/ttyACM0)
#   make size | clean | test
#
# BOARD: mps2-an500 (default, QEMU) or stm32f769i-disco.
# VARIANT: empty; selftest (adds firmware/SelfTest.cs, for the emulator tests); or bare (boot and
#          banner only: the size of the runtime floor).

BOARD   ?= mps2-an500
comma   := ,
VARIANT ?=
NAME    := sharpcharge
PROJECT := SharpCharge
VERSION := 0.1.0

BOARDS := mps2-an500 stm32f769i-disco
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD) is not one of: $(BOARDS))
endif
ifneq ($(filter-out selftest bare,$(VARIANT)),)
$(error VARIANT=$(VARIANT) is not empty, selftest or bare)
endif

ifeq ($(BOARD),stm32f769i-disco)
BOARD_MACRO := BOARD_STM32F769I_DISCO
endif
ifeq ($(BOARD),mps2-an500)
BOARD_MACRO := BOARD_MPS2_AN500
endif

BUILD      := build/$(BOARD)$(if $(VARIANT),-$(VARIANT))
COREBUILD  := build/corelib
ELF        := $(BUILD)/$(NAME).elf

# ---- tools -------------------------------------------------------------------------------
# ilc comes from NuGet, pinned here and in tools/deps/ilcompiler.csproj (keep them equal).
ILC_VERSION    := 10.0.14
NUGET_PACKAGES ?= $(HOME)/.nuget/packages
ILC            := $(NUGET_PACKAGES)/runtime.linux-x64.microsoft.dotnet.ilcompiler/$(ILC_VERSION)/tools/ilc
# Roslyn's csc from the installed .NET SDK (the newest one).
SDK_DIR        := $(shell dotnet --list-sdks 2>/dev/null | tail -n 1 | sed -E 's/^([^ ]+) \[(.*)\]$$/\2\/\1/')
CSC            := dotnet $(SDK_DIR)/Roslyn/bincore/csc.dll
CROSS          := arm-none-eabi-
CC             := $(CROSS)gcc
OBJCOPY        := $(CROSS)objcopy
QEMU           := qemu-system-arm
OPENOCD        := openocd

# lwIP: fetched by `make deps` (tools/fetch-lwip.sh) into native/vendor/lwip, never committed.
LWIP_DIR     := native/vendor/lwip/src
LWIP_SOURCES := $(addprefix $(LWIP_DIR)/,core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c \
                core/mem.c core/memp.c core/netif.c core/pbuf.c core/stats.c core/sys.c core/tcp.c \
                core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c \
                core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c \
                apps/sntp/sntp.c)

CPU_FLAGS := -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard
BASE_CFLAGS := $(CPU_FLAGS) -O2 -g -std=c11 -ffunction-sections -fdata-sections \
             -fno-unwind-tables -fno-asynchronous-unwind-tables -fno-exceptions -D$(BOARD_MACRO) -Inative -I$(LWIP_DIR)/include
CFLAGS    := $(BASE_CFLAGS) -Wall -Wextra -Werror
# Third-party code is built as it comes: its warnings are not ours to fix.
LWIP_CFLAGS := $(BASE_CFLAGS) -w
LDFLAGS   := $(CPU_FLAGS) -nostartfiles --specs=nano.specs -Llinker -Tlinker/$(BOARD).ld \
             -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack -Wl,-Map=$(BUILD)/$(NAME).map
CSFLAGS   := -nologo -nostdlib -noconfig -unsafe -optimize+ -deterministic -langversion:latest \
             -nowarn:CS0169,CS0649,CS8500 -warnaserror+
ILCFLAGS  := --systemmodule:corelib --targetarch:arm --targetos:linux -O --nativelib

RUNTIME_SOURCES  := $(shell find runtime -name '*.cs' | sort)
FIRMWARE_SOURCES := $(shell find firmware -name '*.cs' | sort)
NATIVE_SOURCES   := $(wildcard native/*.c)
NATIVE_OBJECTS   := $(patsubst native/%.c,$(BUILD)/native/%.o,$(NATIVE_SOURCES))
LWIP_OBJECTS     := $(patsubst $(LWIP_DIR)/%.c,$(BUILD)/lwip/%.o,$(LWIP_SOURCES))
NATIVE_HEADERS   := $(wildcard native/*.h native/arch/*.h)
FIRMWARE_DEFINES := $(BOARD_MACRO)$(if $(VARIANT),;$(shell echo $(VARIANT) | tr a-z A-Z))

.PHONY: all deps run flash monitor monitor-usb logview size clean test test-host test-emulator check-tools images
.DEFAULT_GOAL := all

all: $(ELF) $(BUILD)/$(NAME).bin
	@tools/size-report.sh $(BUILD) $(NAME)

# ---- the pipeline ------------------------------------------------------------------------
check-tools:
	@tools/check-tools.sh "$(ILC)" "$(SDK_DIR)"

# 1. Our corelib (runtime/), the only assembly the firmware references. Board independent.
$(COREBUILD)/corelib.dll: $(RUNTIME_SOURCES) Makefile | check-tools
	@mkdir -p $(@D)
	@echo "CSC     $@"
	@$(CSC) $(CSFLAGS) -target:library -runtimemetadataversion:v4.0.30319 -out:$@ $(RUNTIME_SOURCES)

# 2. The firmware (firmware/), for one board, against that corelib.
$(BUILD)/BuildInfo.g.cs: Makefile
	@mkdir -p $(@D)
	@printf 'namespace ChargePoint\n{\n    // Generated by the build (Makefile or build.ps1).\n    internal static class BuildInfo\n    {\n        public const string ProjectName = "%s";\n        public const string Version = "v%s";\n        public static System.ReadOnlySpan<byte> Banner => "*** Booting %s v%s ***\\r\\n"u8;\n        public static System.ReadOnlySpan<byte> VersionText => "v%s"u8;\n    }\n}\n' "$(PROJECT)" "$(VERSION)" "$(PROJECT)" "$(VERSION)" "$(VERSION)" > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/firmware.dll: $(FIRMWARE_SOURCES) $(BUILD)/BuildInfo.g.cs $(COREBUILD)/corelib.dll
	@echo "CSC     $@ ($(FIRMWARE_DEFINES))"
	@$(CSC) $(CSFLAGS) -target:library -define:"$(FIRMWARE_DEFINES)" -r:$(COREBUILD)/corelib.dll \
		-out:$@ $(FIRMWARE_SOURCES) $(BUILD)/BuildInfo.g.cs
	@tools/check-core-portable.sh

# 3. IL -> Thumb-2 object. corelib is an input too, so its [RuntimeExport] methods are kept.
$(BUILD)/firmware.o: $(BUILD)/firmware.dll $(COREBUILD)/corelib.dll
	@echo "ILC     $@"
	@$(ILC) $(BUILD)/firmware.dll $(COREBUILD)/corelib.dll $(ILCFLAGS) --root:firmware -o:$@
	@tools/class-constructors.sh $@

# 4. Native code (native/), and lwIP with our lwipopts.h.
$(LWIP_DIR)/core/init.c:
	@echo "lwIP is not in $(LWIP_DIR): run 'make deps' (tools/fetch-lwip.sh fetches it)" >&2; exit 1

$(BUILD)/native/%.o: native/%.c $(NATIVE_HEADERS) Makefile | $(LWIP_DIR)/core/init.c
	@mkdir -p $(@D)
	@echo "CC      $@"
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/lwip/%.o: $(LWIP_DIR)/%.c $(NATIVE_HEADERS) Makefile
	@mkdir -p $(@D)
	@echo "CC      $@"
	@$(CC) $(LWIP_CFLAGS) -c $< -o $@

# 5. Link with the board's linker script.
$(ELF): $(NATIVE_OBJECTS) $(LWIP_OBJECTS) $(BUILD)/firmware.o linker/$(BOARD).ld linker/sections.ld
	@echo "LD      $@"
	@$(CC) $(LDFLAGS) $(NATIVE_OBJECTS) $(LWIP_OBJECTS) $(BUILD)/firmware.o -lgcc -o $@

$(BUILD)/$(NAME).bin: $(ELF)
	@echo "OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@

# ---- developer targets -------------------------------------------------------------------
deps:
	@tools/deps.sh

size: $(ELF)
	@tools/size-report.sh $(BUILD) $(NAME)

# ---- configuration block -------------------------------------------------------------------
# Settings overridable without a rebuild (firmware/Core/Config): any of these make variables
# writes a block (tools/configblock.py) that `make run` loads with QEMU's -device loader and
# `make flash` programs into its flash sector. Unset ones keep the board's defaults.
#   CS_URL=ws://host:port/path  CP_ID=...  CP_PASSWORD=...  NET_IP=dhcp|a.b.c.d  NET_MASK=...
#   NET_GW=...  DNS=auto|a.b.c.d  DNS_PORT=...  SNTP=host  SNTP_PORT=...
#   DEMO=on|off  DEMO_AUTH_S=10  DEMO_CHARGE_S=50   (the seed's demo session and its timings)
#   USBLOG_TS=on|off  USBLOG_HZ=0..1000  USBLOG_METER_S=1   (the session stream: timestamps,
#   high-rate samples per connector and second, seconds between [METER] readings)
CONFIG_OPTIONS := $(if $(CS_URL),--cs-url '$(CS_URL)') $(if $(CP_ID),--cp-id '$(CP_ID)') \
                  $(if $(CP_PASSWORD),--password '$(CP_PASSWORD)') $(if $(NET_IP),--ip '$(NET_IP)') \
                  $(if $(NET_MASK),--netmask '$(NET_MASK)') $(if $(NET_GW),--gateway '$(NET_GW)') \
                  $(if $(DNS),--dns '$(DNS)') $(if $(DNS_PORT),--dns-port '$(DNS_PORT)') \
                  $(if $(SNTP),--sntp '$(SNTP)') $(if $(SNTP_PORT),--sntp-port '$(SNTP_PORT)') \
                  $(if $(DEMO),--demo '$(DEMO)') $(if $(DEMO_AUTH_S),--demo-auth-s '$(DEMO_AUTH_S)') \
                  $(if $(DEMO_CHARGE_S),--demo-charge-s '$(DEMO_CHARGE_S)') \
                  $(if $(USBLOG_TS),--usblog-ts '$(USBLOG_TS)') $(if $(USBLOG_HZ),--usblog-hz '$(USBLOG_HZ)') \
                  $(if $(USBLOG_METER_S),--usblog-meter-s '$(USBLOG_METER_S)')
CONFIG_BLOCK   := $(BUILD)/config.bin
CONFIG_ADDRESS_mps2-an500       := 0x003FF000
CONFIG_ADDRESS_stm32f769i-disco := 0x081C0000
CONFIG_ADDRESS := $(CONFIG_ADDRESS_$(BOARD))

.PHONY: config-block
config-block:
	@mkdir -p $(BUILD)
	@rm -f $(CONFIG_BLOCK)
	@$(if $(strip $(CONFIG_OPTIONS)),python3 tools/configblock.py -o $(CONFIG_BLOCK) $(CONFIG_OPTIONS),echo "CONFIG  board defaults (no block: set CS_URL=, CP_ID=, SNTP=, ... to write one)")

# Console on stdio (Ctrl-A X quits QEMU). UART1, the session stream, goes to $(BUILD)/session.log:
# tools/run-qemu.sh adds it as QEMU's second -serial and says how to watch it (make logview).
# The NIC is on QEMU's user network: the guest is 10.0.2.15, the host's 127.0.0.1 is 10.0.2.2.
# The local central system (tools/csms) runs beside it unless CSMS=0 (point CS_URL= at another one).
QEMU_NET := -nic user,model=lan9118
CSMS     ?= 1
run: $(ELF) config-block
	@test "$(BOARD)" = mps2-an500 || { echo "make run boots the mps2-an500 image (QEMU); BOARD=$(BOARD) runs on hardware: make flash"; exit 2; }
	@tools/run-qemu.sh $(ELF) $(BUILD) $(CSMS) -M mps2-an500 -nographic -serial mon:stdio $(QEMU_NET) \
		$(if $(strip $(CONFIG_OPTIONS)),-device loader$(comma)file=$(CONFIG_BLOCK)$(comma)addr=$(CONFIG_ADDRESS)$(comma)force-raw=on)

# Not testable here (no board attached to CI): written from OpenOCD 0.12's board file and UM2033.
flash:
	@$(MAKE) --no-print-directory BOARD=stm32f769i-disco
	@$(MAKE) --no-print-directory BOARD=stm32f769i-disco config-block
	$(OPENOCD) -f board/stm32f769i-disco.cfg -c "program build/stm32f769i-disco/$(NAME).elf verify" \
		$(if $(strip $(CONFIG_OPTIONS)),-c "program build/stm32f769i-disco/config.bin $(CONFIG_ADDRESS_stm32f769i-disco) verify") -c "reset run" -c "exit"

MONITOR_PORT ?= /dev/ttyACM0
monitor:
	screen $(MONITOR_PORT) 115200

# The session stream on the board's USB OTG HS port (USB CDC-ACM; the ST-LINK port is the console).
# With both cables in, the CDC port is often the second one: USB_TTY=/dev/ttyACM1.
USB_TTY ?= /dev/ttyACM0
monitor-usb:
	@test -e '$(USB_TTY)' || { echo "monitor-usb: $(USB_TTY) does not exist. Plug the board's USB OTG HS port (the session stream), not only the ST-LINK one; with both in, it may be another ttyACM (ls -l /dev/serial/by-id/): make monitor-usb USB_TTY=/dev/ttyACM1" >&2; exit 1; }
	screen $(USB_TTY) 115200

# ---- the session stream: tools/logview -----------------------------------------------------
# Reads the stream (a file, /dev/ttyACM0, a pty, tcp:HOST:PORT), checks every line and the
# summary's figures, shows it live (a table on a terminal, plain lines on a pipe) and writes
# meter.csv, hr.csv, session.png, session.svg and report.txt into LOGVIEW_OUT. Exit 0: all good;
# 1: problems found; 2: bad arguments; 3: the input cannot be read; 4: the outputs cannot be
# written. LOGVIEW_ARGS= passes more (--seconds N, --until-summary, --plain; logview --help).
LOGVIEW_IN     ?= build/mps2-an500/session.log
LOGVIEW_OUT    ?= build/logview
LOGVIEW_FOLLOW ?=
LOGVIEW_ARGS   ?=
LOGVIEW_DLL    := tools/logview/bin/Release/net10.0/logview.dll
logview:
	@out=$$(dotnet build tools/logview/Logview.csproj -c Release --nologo -v quiet 2>&1) || { echo "$$out"; echo "logview: building tools/logview failed (make deps restores its packages)" >&2; exit 1; }
	@dotnet $(LOGVIEW_DLL) '$(LOGVIEW_IN)' --out '$(LOGVIEW_OUT)' $(if $(filter-out 0,$(LOGVIEW_FOLLOW)),--follow) $(LOGVIEW_ARGS)

clean:
	rm -rf build tests/bin tests/obj bench/bin bench/obj tools/logview/bin tools/logview/obj

# Every test: host tests of Core, then emulator tests that boot the images in QEMU.
images:
	@$(MAKE) --no-print-directory BOARD=mps2-an500
	@$(MAKE) --no-print-directory BOARD=mps2-an500 VARIANT=selftest
	@$(MAKE) --no-print-directory BOARD=stm32f769i-disco

test: images
	@tools/run-tests.sh

.PHONY: bench
# Our JSON codec against System.Text.Json on OCPP messages (BenchmarkDotNet, a couple of minutes);
# ends with one line per message: bench <message> parse <ratio>x write <ratio>x alloc <bytes> B.
bench:
	@tools/bench.sh

# Only the fast host tests (no QEMU, no cross toolchain).
test-host:
	@tools/run-tests.sh --filter "Category!=Emulator"
