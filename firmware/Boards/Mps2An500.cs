using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;
using ChargePoint.Core.Storage;
using ChargePoint.Core.Time;
using ChargePoint.Drivers;

namespace ChargePoint.Boards
{
    // QEMU's mps2-an500: Cortex-M7 at 25 MHz, CMSDK APB UARTs and timers, a LAN9118 Ethernet
    // controller (QEMU 7.2 hw/arm/mps2.c). QEMU starts the core at full speed with no clock tree.
    public sealed unsafe class Mps2An500 : IBoard
    {
        public const uint SystemClockHz = 25000000;
        public const uint Uart0Base = 0x40004000; // console, -serial #1 (stdio with -nographic)
        public const uint Uart1Base = 0x40005000; // session stream, -serial #2
        public const uint Timer0Base = 0x40000000; // CMSDK APB timer 0: the microsecond clock
        public const uint Lan9118Base = 0xA0000000;
        public const uint ConsoleBaud = 115200;

        public const int Uart0ReceiveIrq = 0; // QEMU mps2-an500: UART0 RX (UART1 RX 2, UART2 RX 4; TX on the odd lines)
        public const int Lan9118Irq = 13;
        public const int ConsoleReceivePriority = 12; // below SysTick (0): typing never delays the tick
        public const int NetworkPriority = 8;         // above the console: a frame burst is drained first

        // The last 4 KiB of the 4 MiB code RAM, outside the image (linker/mps2-an500.ld stops
        // FLASH short of it); `make run` loads the block there with QEMU's -device loader.
        public const uint ConfigAddress = 0x003FF000;

        private readonly CmsdkUart _console = new CmsdkUart(Uart0Base);
        private readonly CmsdkUart _sessionUart = new CmsdkUart(Uart1Base);
        private readonly SysTickClock _tick = new SysTickClock();
        private readonly Lan9118 _network = new Lan9118(Lan9118Base);
        private CounterClock _clock;

        public ReadOnlySpan<byte> Name => "mps2-an500"u8;
        public uint CoreClockHz => SystemClockHz;
        public IConsoleUart Console => _console;
        public IClock Clock => _clock;
        public INetworkLink Network => _network;
        public uint ConfigBlockAddress => ConfigAddress;

        // QEMU's user network: the host is 10.0.2.2 (its 127.0.0.1), DNS 10.0.2.3.
        public ReadOnlySpan<byte> ConfigDefaults =>
            "ip=dhcp\ndns=auto\nsntp=10.0.2.2\nsntp_port=1123\ncs_url=ws://10.0.2.2:8180/steve/websocket/CentralSystemService/CP001\ncp_id=CP001\n"u8;

        public void EnableConsoleInput(ByteRing received, Scheduler scheduler, int taskId) =>
            ConsoleInterrupt.Attach(_console, Uart0ReceiveIrq, ConsoleReceivePriority, received, scheduler, taskId);

        public void EnableNetwork(Scheduler scheduler, int taskId)
        {
            _network.Start(scheduler, taskId);
            NetworkInterrupt.Attach(_network, Lan9118Irq, NetworkPriority);
        }

        // UART1 (QEMU's second -serial) carries the session stream in place of USB.
        public IStreamPort EnableSessionPort(Scheduler scheduler, out ReadOnlySpan<byte> failure)
        {
            failure = ReadOnlySpan<byte>.Empty;
            _sessionUart.Initialize(SystemClockHz, ConsoleBaud);
            return _sessionUart;
        }

        // QEMU has no flash to keep records in: the two halves of RAM that boot leaves alone
        // (native/persist.c), so a Reset keeps them; quitting QEMU does not.
        public void CreateRecordStorage(out IRecordStorage first, out IRecordStorage second)
        {
            int length;
            byte* memory = Native.PersistentRam(&length);
            first = new RamRecordStorage(memory, length / 2);
            second = new RamRecordStorage(memory + length / 2, length / 2);
        }

        public void Initialize()
        {
            _console.Initialize(SystemClockHz, ConsoleBaud);
            _tick.Start(SystemClockHz); // wakes the idle loop every millisecond; native code's ms count
            var timer = new CmsdkTimer(Timer0Base, SystemClockHz);
            timer.Start();
            _clock = new CounterClock(timer);
        }
    }
}
