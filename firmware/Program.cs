using System.Runtime.InteropServices;
using ChargePoint.Boards;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Shell;
using ChargePoint.Drivers;
using Internal.Runtime;

namespace ChargePoint
{
    // Boot, wire-up and the main loop. Every object the firmware uses is made here, before the
    // heap is sealed; after that nothing allocates (an allocation would panic).
    public static unsafe class Program
    {
        // The fixed sizes of the firmware, in one place.
        public const int TaskCapacity = 8;
        public const int LogLineCapacity = 256;
        public const long StatusPeriodMilliseconds = 60000;
        public const int ConsoleInputBytes = 256;       // typed bytes waiting for the shell task
        public const int ShellCommandCapacity = 8;
        public const long ShellPollMilliseconds = 10;   // how often the shell drains the input ring

#if BOARD_STM32F769I_DISCO
        private static Stm32f769iDisco s_board;
        private static void WritePanicByte(byte value) => s_board.ConsoleUart.WriteByte(value);
        private static Stm32f769iDisco CreateBoard() => new Stm32f769iDisco();
#else
        private static Mps2An500 s_board;
        private static void WritePanicByte(byte value) => s_board.ConsoleUart.WriteByte(value);
        private static Mps2An500 CreateBoard() => new Mps2An500();
#endif

        [UnmanagedCallersOnly(EntryPoint = "firmware_main")]
        private static void Main()
        {
            s_board = CreateBoard();
            s_board.Initialize();
            Panic.SetConsole(&WritePanicByte);

            ISerialOut console = s_board.Console;
            // The Zephyr sample's first two lines (printk, not the logger).
            Print(console, "*** Booting " + BuildInfo.ProjectName + " " + BuildInfo.Version + " ***\r\n");
            Print(console, "OCPP sample ");
            Print(console, s_board.Name);
            Print(console, "\r\n");
#if BARE
            // The runtime floor (make VARIANT=bare): boot, banner, nothing else.
            while (true) Native.WaitForInterrupt();
#else

            var log = new Logger(s_board.Clock, console, LogLineCapacity);
            var scheduler = new Scheduler(s_board.Clock, TaskCapacity);

            var status = new StatusReport(log, scheduler);
            int statusTask = scheduler.Add("status", status);
            scheduler.Every(statusTask, StatusPeriodMilliseconds, StatusPeriodMilliseconds);

            var consoleInput = new ByteRing(ConsoleInputBytes);
            var shell = new Shell(consoleInput, console, log, ShellCommandCapacity);
            shell.Add(new UptimeCommand(s_board.Clock));
            shell.Add(new MemCommand());
            shell.Add(new TasksCommand(scheduler));
            int shellTask = scheduler.Add("shell", shell);
            scheduler.Every(shellTask, ShellPollMilliseconds, ShellPollMilliseconds);

#if SELFTEST
            SelfTest.BeforeSeal(log, scheduler, shell);
#endif
            log.Begin(LogLevel.Info, "main").Append("Board ").Append(s_board.Name)
                .Append(", core clock ").Append(s_board.CoreClockHz).Append(" Hz").End();
            Heap.Seal();
            scheduler.Start();
            log.Begin(LogLevel.Info, "main").Append("Heap sealed: ").Append(Heap.Used).Append(" of ")
                .Append(Heap.Size).Append(" bytes used").End();
            log.Begin(LogLevel.Info, "main").Append("Scheduler started: ").Append(scheduler.Count)
                .Append(" of ").Append(scheduler.Capacity).Append(" tasks").End();
            s_board.EnableConsoleInput(consoleInput);
            log.Info("main", "Console ready: type help");
#if SELFTEST
            SelfTest.AfterSeal(log, scheduler);
#endif

            while (true)
            {
                if (scheduler.RunDue() == 0 && scheduler.MillisecondsUntilNextWake() > 0)
                    Native.WaitForInterrupt();
            }
#endif
        }

        // printk's role: ASCII text straight to the console, before the logger exists.
        private static void Print(ISerialOut output, string text)
        {
            System.Span<byte> buffer = stackalloc byte[64];
            int at = 0;
            for (int i = 0; i < text.Length; i++)
            {
                buffer[at++] = text[i] < 128 ? (byte)text[i] : (byte)'?';
                if (at == buffer.Length || i == text.Length - 1)
                {
                    output.Write(buffer.Slice(0, at));
                    at = 0;
                }
            }
        }
    }
}
