<#
.SYNOPSIS
  SharpCharge build for PowerShell: the same targets and the same pipeline as the Makefile.

.EXAMPLE
  ./build.ps1                               # build build/mps2-an500/sharpcharge.elf
  ./build.ps1 all -Board stm32f769i-disco   # build the board image
  ./build.ps1 deps; ./build.ps1 run; ./build.ps1 test
  ./build.ps1 run -CsUrl ws://10.0.2.2:9000/x -CpId CP9   # boot with a configuration block
  ./build.ps1 logview -LogviewFollow                        # watch build/mps2-an500/session.log live
  ./build.ps1 logview -LogviewIn /dev/ttyACM0 -LogviewOut build/board-session
  Targets: all deps run flash monitor monitor-usb logview size clean test test-host images bench
  run: the session stream (UART1) goes to build/mps2-an500/session.log (tools/run-qemu.sh adds it).
  logview (the Makefile's LOGVIEW_IN, LOGVIEW_OUT, LOGVIEW_FOLLOW, LOGVIEW_ARGS): -LogviewIn -LogviewOut
  -LogviewFollow -LogviewArgs. monitor-usb (USB_TTY): -UsbTty.
  Configuration block (the Makefile's CS_URL, CP_ID, CP_PASSWORD, NET_IP, NET_MASK, NET_GW, DNS,
  DNS_PORT, SNTP, SNTP_PORT): -CsUrl -CpId -CpPassword -NetIp -NetMask -NetGw -Dns -DnsPort -Sntp
  -SntpPort -Demo -DemoAuthS -DemoChargeS -UsblogTs -UsblogHz -UsblogMeterS. run loads it into QEMU and flash programs it; only the
  values given go into it. run starts the local central system (tools/csms) unless -Csms 0.
#>
param(
    [ValidateSet('all', 'deps', 'run', 'flash', 'monitor', 'monitor-usb', 'logview', 'size', 'clean', 'test', 'test-host', 'images', 'bench')]
    [string]$Target = 'all',
    [ValidateSet('mps2-an500', 'stm32f769i-disco')]
    [string]$Board = 'mps2-an500',
    [ValidateSet('', 'selftest', 'bare')]
    [string]$Variant = '',
    [string]$MonitorPort = '/dev/ttyACM0',
    [string]$UsbTty = '/dev/ttyACM0',
    [string]$LogviewIn = 'build/mps2-an500/session.log',
    [string]$LogviewOut = 'build/logview',
    [switch]$LogviewFollow,
    [string[]]$LogviewArgs = @(),
    [string]$CsUrl = '',
    [string]$CpId = '',
    [string]$CpPassword = '',
    [string]$NetIp = '',
    [string]$NetMask = '',
    [string]$NetGw = '',
    [string]$Dns = '',
    [string]$DnsPort = '',
    [string]$Sntp = '',
    [string]$SntpPort = '',
    [string]$Demo = '',
    [string]$DemoAuthS = '',
    [string]$DemoChargeS = '',
    [string]$UsblogTs = '',
    [string]$UsblogHz = '',
    [string]$UsblogMeterS = '',
    [ValidateSet('0', '1')]
    [string]$Csms = '1'
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

# ---- configuration (the Makefile's, read from it so the two cannot drift) -----------------
# Continuation lines (backslash, newline) are joined as make joins them.
$makefile = (Get-Content -Raw Makefile) -replace '\\\r?\n\s*', ' ' -split '\r?\n'
function Get-MakeValue([string]$name) {
    $line = $makefile | Where-Object { $_ -match "^$name\s*:?=\s*(.*)$" } | Select-Object -First 1
    if (-not $line) { throw "build: $name not found in Makefile" }
    return ($line -replace "^$name\s*:?=\s*", '').Trim()
}
$Name = Get-MakeValue 'NAME'
$Project = Get-MakeValue 'PROJECT'
$Version = Get-MakeValue 'VERSION'
$IlcVersion = Get-MakeValue 'ILC_VERSION'
$LwipDir = Get-MakeValue 'LWIP_DIR'
$lwipList = Get-MakeValue 'LWIP_SOURCES'
if ($lwipList -notmatch '^\$\(addprefix \$\(LWIP_DIR\)/,(.*)\)$') { throw "build: cannot read LWIP_SOURCES in the Makefile: $lwipList" }
$LwipSources = -split $Matches[1] | ForEach-Object { "$LwipDir/$_" }
$QemuNet = -split (Get-MakeValue 'QEMU_NET')
$ConfigAddress = @{
    'mps2-an500' = Get-MakeValue 'CONFIG_ADDRESS_mps2-an500'
    'stm32f769i-disco' = Get-MakeValue 'CONFIG_ADDRESS_stm32f769i-disco'
}

$BoardMacro = @{ 'mps2-an500' = 'BOARD_MPS2_AN500'; 'stm32f769i-disco' = 'BOARD_STM32F769I_DISCO' }[$Board]
$Build = Join-Path build ($Board + $(if ($Variant) { "-$Variant" } else { '' }))
$CoreBuild = Join-Path build corelib
$Elf = Join-Path $Build "$Name.elf"

$NuGetPackages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$Rid = if ($IsWindows) { 'win-x64' } else { 'linux-x64' }
$Ilc = Join-Path $NuGetPackages "runtime.$Rid.microsoft.dotnet.ilcompiler/$IlcVersion/tools/ilc$(if ($IsWindows) { '.exe' })"

function Step([string]$what, [string]$path) { Write-Host ('{0,-8}{1}' -f $what, $path) }

function Invoke-Tool([string]$file, [string[]]$arguments) {
    & $file @arguments
    if ($LASTEXITCODE -ne 0) { throw "build: $file failed (exit $LASTEXITCODE)" }
}

function Find-Csc {
    $sdks = & dotnet --list-sdks 2>$null
    if (-not $sdks) { throw 'build: dotnet (the .NET SDK) is missing. Install .NET SDK 10.' }
    $last = $sdks | Select-Object -Last 1
    if ($last -notmatch '^(\S+) \[(.*)\]$') { throw "build: cannot read 'dotnet --list-sdks': $last" }
    $csc = Join-Path (Join-Path $Matches[2] $Matches[1]) 'Roslyn/bincore/csc.dll'
    if (-not (Test-Path $csc)) { throw "build: csc.dll (Roslyn) is missing at $csc" }
    return $csc
}

function Test-Tools {
    if (-not (Test-Path $Ilc)) { throw "build: ilc is missing ($Ilc). Run: ./build.ps1 deps" }
    if (-not (Get-Command arm-none-eabi-gcc -ErrorAction SilentlyContinue)) {
        throw 'build: arm-none-eabi-gcc is missing. Run: ./build.ps1 deps (Debian gcc-arm-none-eabi, libnewlib-arm-none-eabi)'
    }
    if (-not (Test-Path "$LwipDir/core/init.c")) { throw "build: lwIP is not in $LwipDir. Run: ./build.ps1 deps (tools/fetch-lwip.sh fetches it)" }
}

# Relative paths in the order of the Makefile's `find | sort` and $(wildcard) (byte order, as the C
# locale sorts): csc numbers the types in the order of its sources, so the order shapes firmware.o.
function Get-SourceFiles([string]$dir, [string]$filter, [switch]$Recurse) {
    $files = [string[]]@(Get-ChildItem $dir -Filter $filter -File -Recurse:$Recurse |
            ForEach-Object { [IO.Path]::GetRelativePath($PWD.Path, $_.FullName) -replace '\\', '/' })
    [Array]::Sort($files, [StringComparer]::Ordinal)
    return $files
}

# True when $output is missing or older than any of $inputs.
function Test-Stale([string]$output, [string[]]$inputs) {
    if (-not (Test-Path $output)) { return $true }
    $time = (Get-Item $output).LastWriteTimeUtc
    foreach ($input in $inputs) { if ((Get-Item $input).LastWriteTimeUtc -gt $time) { return $true } }
    return $false
}

$CsFlags = @('-nologo', '-nostdlib', '-noconfig', '-unsafe', '-optimize+', '-deterministic', '-langversion:latest',
    '-nowarn:CS0169,CS0649,CS8500', '-warnaserror+')
$CpuFlags = @('-mcpu=cortex-m7', '-mthumb', '-mfpu=fpv5-d16', '-mfloat-abi=hard')

# ---- the pipeline: the same five steps as the Makefile -----------------------------------
function Build-Image {
    Test-Tools
    $csc = Find-Csc
    New-Item -ItemType Directory -Force $CoreBuild, (Join-Path $Build native) | Out-Null
    $runtimeSources = @(Get-SourceFiles runtime *.cs -Recurse)
    $firmwareSources = @(Get-SourceFiles firmware *.cs -Recurse)

    # 1. corelib
    $corelib = Join-Path $CoreBuild corelib.dll
    if (Test-Stale $corelib ($runtimeSources + 'Makefile')) {
        Step CSC $corelib
        Invoke-Tool dotnet (@($csc) + $CsFlags + @('-target:library', '-runtimemetadataversion:v4.0.30319', "-out:$corelib") + $runtimeSources)
    }

    # 2. firmware, with the generated build info
    $buildInfo = Join-Path $Build BuildInfo.g.cs
    $info = "namespace ChargePoint`n{`n    // Generated by the build (Makefile or build.ps1).`n    internal static class BuildInfo`n    {`n        public const string ProjectName = `"$Project`";`n        public const string Version = `"v$Version`";`n        public static System.ReadOnlySpan<byte> Banner => `"*** Booting $Project v$Version ***\r\n`"u8;`n        public static System.ReadOnlySpan<byte> VersionText => `"v$Version`"u8;`n    }`n}`n"
    if (-not (Test-Path $buildInfo) -or (Get-Content -Raw $buildInfo) -ne $info) { Set-Content -Path $buildInfo -Value $info -NoNewline }
    $defines = $BoardMacro + $(if ($Variant) { ';' + $Variant.ToUpperInvariant() } else { '' })
    $firmware = Join-Path $Build firmware.dll
    if (Test-Stale $firmware ($firmwareSources + $buildInfo + $corelib)) {
        Step CSC "$firmware ($defines)"
        Invoke-Tool dotnet (@($csc) + $CsFlags + @('-target:library', "-define:$defines", "-r:$corelib", "-out:$firmware") + $firmwareSources + $buildInfo)
        Test-CorePortable
    }

    # 3. ilc
    $object = Join-Path $Build firmware.o
    if (Test-Stale $object @($firmware, $corelib)) {
        Step ILC $object
        Invoke-Tool $Ilc @($firmware, $corelib, '--systemmodule:corelib', '--targetarch:arm', '--targetos:linux', '-O', '--nativelib', '--root:firmware', "-o:$object")
        if (Get-Command bash -ErrorAction SilentlyContinue) { Invoke-Tool bash @('tools/class-constructors.sh', $object) }
    }

    # 4. native, and lwIP with our lwipopts.h (built as it comes: its warnings are not ours to fix)
    $baseCFlags = $CpuFlags + @('-O2', '-g', '-std=c11', '-ffunction-sections', '-fdata-sections',
        '-fno-unwind-tables', '-fno-asynchronous-unwind-tables', '-fno-exceptions', "-D$BoardMacro", '-Inative', "-I$LwipDir/include")
    $cFlags = $baseCFlags + @('-Wall', '-Wextra', '-Werror')
    $lwipCFlags = $baseCFlags + @('-w')
    $headers = @(Get-ChildItem native/*.h, native/arch/*.h -File -ErrorAction SilentlyContinue | ForEach-Object FullName) + 'Makefile'
    $nativeObjects = @()
    foreach ($source in Get-SourceFiles native *.c) {
        $out = Join-Path $Build ($source -replace '\.c$', '.o')
        Build-CObject $source $out $cFlags $headers
        $nativeObjects += $out
    }
    $lwipObjects = @()
    foreach ($source in $LwipSources) {
        $out = Join-Path $Build ('lwip/' + $source.Substring($LwipDir.Length + 1) -replace '\.c$', '.o')
        Build-CObject $source $out $lwipCFlags $headers
        $lwipObjects += $out
    }

    # 5. link
    if (Test-Stale $Elf ($nativeObjects + $lwipObjects + $object + "linker/$Board.ld" + 'linker/sections.ld')) {
        Step LD $Elf
        Invoke-Tool arm-none-eabi-gcc ($CpuFlags + @('-nostartfiles', '--specs=nano.specs', '-Llinker', "-Tlinker/$Board.ld",
                '-Wl,--gc-sections', '-Wl,--no-warn-rwx-segments', '-Wl,-z,noexecstack', "-Wl,-Map=$Build/$Name.map") +
            $nativeObjects + $lwipObjects + @($object, '-lgcc', '-o', $Elf))
        Step OBJCOPY "$Build/$Name.bin"
        Invoke-Tool arm-none-eabi-objcopy @('-O', 'binary', $Elf, "$Build/$Name.bin")
    }
}

function Build-CObject([string]$source, [string]$out, [string[]]$flags, [string[]]$dependencies) {
    if (Test-Stale $out (@($source) + $dependencies)) {
        New-Item -ItemType Directory -Force (Split-Path $out) | Out-Null
        Step CC $out
        Invoke-Tool arm-none-eabi-gcc ($flags + @('-c', $source, '-o', $out))
    }
}

function Test-CorePortable {
    $bad = Get-ChildItem firmware/Core -Recurse -Filter *.cs |
        Select-String -Pattern 'ChargePoint\.(Drivers|Boards)|Internal\.Runtime|RuntimeImport|DllImport|UnmanagedCallersOnly|Mmio\.|Nvic\.'
    if ($bad) { throw "firmware/Core must stay portable (no Drivers, Boards, native or device runtime API):`n$($bad -join "`n")" }
}

# ---- configuration block (the Makefile's config-block): only the values given go into it ------
$ConfigOptions = @()
foreach ($option in @(@('--cs-url', $CsUrl), @('--cp-id', $CpId), @('--password', $CpPassword), @('--ip', $NetIp),
        @('--netmask', $NetMask), @('--gateway', $NetGw), @('--dns', $Dns), @('--dns-port', $DnsPort),
        @('--sntp', $Sntp), @('--sntp-port', $SntpPort), @('--demo', $Demo), @('--demo-auth-s', $DemoAuthS),
        @('--demo-charge-s', $DemoChargeS), @('--usblog-ts', $UsblogTs), @('--usblog-hz', $UsblogHz),
        @('--usblog-meter-s', $UsblogMeterS))) {
    if ($option[1]) { $ConfigOptions += $option }
}

# Writes $dir/config.bin (tools/configblock.py); with no values, removes it: the board's defaults.
function Write-ConfigBlock([string]$dir) {
    New-Item -ItemType Directory -Force $dir | Out-Null
    $block = Join-Path $dir config.bin
    if (Test-Path $block) { Remove-Item -Force $block }
    if (-not $ConfigOptions) { Write-Host 'CONFIG  board defaults (no block: set -CsUrl, -CpId, -Sntp, ... to write one)'; return }
    $python = @('python3', 'python') | Where-Object { Get-Command $_ -ErrorAction SilentlyContinue } | Select-Object -First 1
    if (-not $python) { throw 'build: python3 is missing (tools/configblock.py writes the configuration block)' }
    Invoke-Tool $python (@('tools/configblock.py', '-o', $block) + $ConfigOptions)
}

function Show-Size {
    if (Get-Command bash -ErrorAction SilentlyContinue) { Invoke-Tool bash @('tools/size-report.sh', $Build, $Name) }
    else { Invoke-Tool arm-none-eabi-size @('-A', '-d', $Elf) }
}

# The Makefile's runner (it ends with "tests: N passed, N failed, N skipped") where bash exists.
function Invoke-Tests([string[]]$extra) {
    if (Get-Command bash -ErrorAction SilentlyContinue) { Invoke-Tool bash (@('tools/run-tests.sh') + $extra) }
    else { Invoke-Tool dotnet (@('test', 'tests/ChargePoint.Tests.csproj', '--nologo', '-v', 'quiet') + $extra) }
}

function Invoke-Images {
    foreach ($image in @(@('mps2-an500', ''), @('mps2-an500', 'selftest'), @('stm32f769i-disco', ''))) {
        & $PSCommandPath all -Board $image[0] -Variant $image[1]
        if ($LASTEXITCODE -ne 0) { throw "build: image $($image -join ' ') failed" }
    }
}

switch ($Target) {
    'all' { Build-Image; Show-Size }
    'size' { Build-Image; Show-Size }
    'deps' {
        if ($IsLinux -and (Get-Command bash -ErrorAction SilentlyContinue)) { Invoke-Tool bash @('tools/deps.sh') }
        else {
            Write-Host '==> install by hand: the Arm GNU toolchain (arm-none-eabi-gcc with newlib), QEMU (qemu-system-arm), OpenOCD'
            Write-Host '==> and lwIP 2.1.3 into native/vendor/lwip (the tarball and sha256 that tools/fetch-lwip.sh names)'
            Invoke-Tool dotnet @('restore', 'tools/deps/ilcompiler.csproj', '--nologo', "-p:IlcRid=$Rid")
            Invoke-Tool dotnet @('restore', 'tests/ChargePoint.Tests.csproj', '--nologo')
            Invoke-Tool dotnet @('restore', 'tools/logview/Logview.csproj', '--nologo')
        }
    }
    'run' {
        if ($Board -ne 'mps2-an500') { throw 'build: run boots the mps2-an500 image (QEMU); the board runs with: ./build.ps1 flash' }
        Build-Image
        Write-ConfigBlock $Build
        # The NIC is on QEMU's user network: the guest is 10.0.2.15, the host's 127.0.0.1 is 10.0.2.2.
        $loader = if ($ConfigOptions) { @('-device', "loader,file=$Build/config.bin,addr=$($ConfigAddress[$Board]),force-raw=on") } else { @() }
        # tools/run-qemu.sh starts the local central system beside QEMU and stops it with QEMU.
        # It also adds UART1, the session stream, as the second -serial: $Build/session.log.
        Invoke-Tool bash (@('tools/run-qemu.sh', $Elf, $Build, $Csms, '-M', 'mps2-an500', '-nographic', '-serial', 'mon:stdio') +
            $QemuNet + $loader)
    }
    'flash' {
        & $PSCommandPath all -Board stm32f769i-disco
        $boardBuild = 'build/stm32f769i-disco'
        Write-ConfigBlock $boardBuild
        $program = @('-c', "program $boardBuild/$Name.elf verify")
        if ($ConfigOptions) { $program += @('-c', "program $boardBuild/config.bin $($ConfigAddress['stm32f769i-disco']) verify") }
        Invoke-Tool openocd (@('-f', 'board/stm32f769i-disco.cfg') + $program + @('-c', 'reset run', '-c', 'exit'))
    }
    'monitor' { & screen $MonitorPort 115200 }
    'monitor-usb' {
        # The session stream on the board's USB OTG HS port (CDC-ACM); the ST-LINK port is the console.
        if (-not (Test-Path $UsbTty)) {
            throw "build: $UsbTty does not exist. Plug the board's USB OTG HS port (the session stream), not only the ST-LINK one; with both in, it may be another ttyACM (ls -l /dev/serial/by-id/): ./build.ps1 monitor-usb -UsbTty /dev/ttyACM1"
        }
        & screen $UsbTty 115200
    }
    'logview' {
        # tools/logview: checks, shows and plots the session stream (see the Makefile's logview).
        $out = & dotnet build tools/logview/Logview.csproj -c Release --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { $out | Write-Host; throw 'build: building tools/logview failed (./build.ps1 deps restores its packages)' }
        $arguments = @('tools/logview/bin/Release/net10.0/logview.dll', $LogviewIn, '--out', $LogviewOut)
        if ($LogviewFollow) { $arguments += '--follow' }
        Invoke-Tool dotnet ($arguments + $LogviewArgs)
    }
    'bench' { Invoke-Tool bash @('tools/bench.sh') }
    'clean' { foreach ($dir in 'build', 'tests/bin', 'tests/obj', 'bench/bin', 'bench/obj', 'tools/logview/bin', 'tools/logview/obj') { if (Test-Path $dir) { Remove-Item -Recurse -Force $dir } } }
    'images' { Invoke-Images }
    'test' {
        Invoke-Images
        Invoke-Tests @()
    }
    'test-host' { Invoke-Tests @('--filter', 'Category!=Emulator') }
}
