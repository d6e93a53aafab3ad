using System;
using System.Runtime.InteropServices;
using ChargePoint.Boards;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Net;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.WebSocket;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;
using ChargePoint.Core.Shell;
using ChargePoint.Core.Storage;
using ChargePoint.Core.Time;
using ChargePoint.Drivers;
using Internal.Runtime;

namespace ChargePoint
{
    // Boot, wire-up and the main loop. Every object the firmware uses is made here, before the
    // heap is sealed; after that nothing allocates (an allocation would panic).
    public static unsafe class Program
    {
        // The fixed sizes of the firmware, in one place.
        // Tasks: status, network, ocpp, config saver, demo, echo probe, shell, the session stream's
        // sampler and pump (9), and room for the one a board's USB stack may add (EnableSessionPort).
        public const int TaskCapacity = 10;
        public const int LogLineCapacity = 256;
        public const long StatusPeriodMilliseconds = 60000;
        public const int ConsoleInputBytes = 256;       // typed bytes waiting for the shell task
        public const int ShellCommandCapacity = 8;
        // OCPP: the largest OCPP-J message either way (a GetConfiguration answer with every key is
        // about 2 KiB; MeterValues a few hundred bytes), the WebSocket's buffers around it, and the
        // transaction messages kept until answered (part 2 sizes the offline journal).
        public const int OcppMessageBytes = 4096;
        public const int WebSocketReceiveBytes = OcppMessageBytes + WebSocketClient.ReceiveOverhead;
        public const int WebSocketSendBytes = 2 * OcppMessageBytes + 512; // a CALL and an answer at once, framed
        public const int TransactionQueueCapacity = 64;
        // The session stream's ring (SessionLog): 16 KiB holds about 450 event lines (about four
        // minutes of both connectors' readings at one a second while no host listens: what a host
        // that opens the port sees of the past), and in high-rate mode at the 1000 Hz limit (about
        // 82 KB/s) covers a pump or port that stalls for some 200 ms. 3.5% of the heap.
        public const int SessionLogBytes = 16384;

        private static IBoard s_board;

#if BOARD_STM32F769I_DISCO
        private static IBoard CreateBoard() => new Stm32f769iDisco();
#else
        private static IBoard CreateBoard() => new Mps2An500();
#endif

        private static void WritePanicByte(byte value) => s_board.Console.WriteByte(value);

        private static uint MacSeed(ReadOnlySpan<byte> mac)
        {
            uint seed = 2166136261; // FNV-1a
            for (int i = 0; i < mac.Length; i++) seed = (seed ^ mac[i]) * 16777619;
            return seed;
        }

        [UnmanagedCallersOnly(EntryPoint = "firmware_main")]
        private static void Main()
        {
            s_board = CreateBoard();
            s_board.Initialize();
            Panic.SetConsole(&WritePanicByte);

            ISerialOut console = s_board.Console;
            // The Zephyr sample's first two lines (printk, not the logger).
            console.Write(BuildInfo.Banner);
            console.Write("OCPP sample "u8);
            console.Write(s_board.Name);
            console.Write("\r\n"u8);
#if BARE
            // The runtime floor (make VARIANT=bare): boot, banner, nothing else.
            while (true) Native.WaitForInterrupt();
#else

            var log = new Logger(s_board.Clock, console, LogLineCapacity);
            var scheduler = new Scheduler(s_board.Clock, TaskCapacity);

            var status = new StatusReport(log, scheduler);
            int statusTask = scheduler.Add(status);
            scheduler.Every(statusTask, StatusPeriodMilliseconds, StatusPeriodMilliseconds);

            // Settings: the board's defaults, overridden by a valid configuration block.
            var settings = new Settings();
            var configRegion = new ReadOnlySpan<byte>((void*)s_board.ConfigBlockAddress, ConfigBlock.RegionSize);
            new ConfigBlock().Load(configRegion, s_board.ConfigBlockAddress, s_board.ConfigDefaults, settings, log);
            var wallClock = new WallClock(s_board.Clock);

            // The network: the NIC's interrupt wakes the network task, which owns lwIP.
            var stack = new LwipStack(s_board.Network, scheduler);
            var network = new NetworkTask(stack, settings, wallClock, scheduler, log);
            int networkTask = scheduler.Add(network);
            s_board.EnableNetwork(scheduler, networkTask);
            network.Start(networkTask);

            // OCPP 1.6J: two connectors with simulated meters, the WebSocket on the first TCP connection.
            var ocppConfig = new ConfigurationStore(OcppChargePoint.ConnectorCount);
            // Keys the central system changed, kept across resets (flash on the board, RAM that
            // survives a reset under QEMU), restored before anything reads them.
            s_board.CreateRecordStorage(out IRecordStorage firstRegion, out IRecordStorage secondRegion);
            var persistence = new ConfigurationPersistence(ocppConfig,
                new RecordLog(firstRegion, secondRegion, ConfigurationPersistence.RecordBytes(ocppConfig)));
            persistence.Restore();
            log.Begin(LogLevel.Info, "config"u8).Append("OCPP keys: "u8).Append(persistence.Restored).Append(" restored, "u8)
                .Append(persistence.Rejected).Append(" rejected, "u8).Append(persistence.Corrupt).Append(" corrupt records skipped"u8).End();
            var meters = new IMeter[] { null, new MeterSimulator(s_board.Clock), new MeterSimulator(s_board.Clock) };
            var connectors = new Connector[]
            {
                new Connector(0, null),
                new Connector(1, meters[1]),
                new Connector(2, meters[2]),
            };
            var identity = new ChargePointIdentity("SharpCharge"u8, s_board.Name, BuildInfo.VersionText);
            var timings = new OcppTimings();
            var chargePoint = new OcppChargePoint(identity, ocppConfig, connectors, new TransactionQueue(TransactionQueueCapacity),
                wallClock, s_board.Clock, log, timings);
            chargePoint.UseSystemReset(new SystemReset());

            // The charging-session stream (the Zephyr sample's USB CDC ACM log): the charge point's
            // session events, meter readings and the summary into a ring, a pump task to the port.
#if BOARD_STM32F769I_DISCO
            log.Info("main"u8, "Initializing USB High-Speed CDC ACM logger..."u8);
#else
            log.Info("main"u8, "Initializing UART1 session logger (in place of USB High-Speed CDC ACM)..."u8);
#endif
            IStreamPort sessionPort = s_board.EnableSessionPort(scheduler, out ReadOnlySpan<byte> sessionPortFailure);
            var session = new SessionStream(s_board.Clock, new LogRing(SessionLogBytes), sessionPort, meters, new SessionStreamOptions
            {
                Timestamps = settings.UsbLogTimestamps,
                HighRateHz = settings.UsbLogHighRateHz,
                MeterReadingSeconds = settings.UsbLogMeterSeconds,
            });
            var pump = new LogPump(session, scheduler);
            session.Attach(scheduler, scheduler.Add(session), pump.Start(scheduler.Add(pump)));
            chargePoint.UseSessionObserver(session);
            if (!sessionPortFailure.IsEmpty)
            {
                // The charge point goes on without it: the ring keeps the latest lines.
                log.Error("main"u8, sessionPortFailure);
                log.Warning("main"u8, "session stream kept in RAM only"u8);
            }
#if BOARD_STM32F769I_DISCO
            else log.Info("main"u8, "USB High-Speed enabled - demonstrating fast data logging"u8);
#else
            else log.Info("main"u8, "UART1 enabled - demonstrating fast data logging"u8);
#endif
            var random = new XorShiftRandom(MacSeed(s_board.Network.MacAddress));
            random.Mix((uint)s_board.Clock.UptimeMicroseconds);
            LwipTcpConnection csConnection = stack.CreateConnection();
            var socket = new WebSocketClient(csConnection, s_board.Clock, random, log, OcppMessageBytes, WebSocketReceiveBytes,
                WebSocketSendBytes, timings.HandshakeTimeoutMilliseconds);
            var rpc = new RpcEndpoint(new WebSocketChannel(socket), random, log, OcppMessageBytes, chargePoint, chargePoint);
            var lifecycle = new OcppLifecycle(socket, chargePoint, network, settings, ocppConfig, scheduler, log, timings, random);
            int ocppTask = scheduler.Add(lifecycle);
            csConnection.BindOwner(ocppTask);
            chargePoint.Attach(rpc, scheduler, ocppTask);
            lifecycle.Start(rpc, ocppTask);
            var saver = new ConfigurationSaver(persistence, ocppConfig, scheduler, log);
            saver.Start(scheduler.Add(saver));
            if (settings.DemoEnabled)
            {
                var demo = new DemoSession(chargePoint, scheduler, log, new DemoSession.Timings
                {
                    AuthorizeAfterBootMilliseconds = settings.DemoAuthorizeSeconds * 1000L,
                    StopAfterStartMilliseconds = settings.DemoChargeSeconds * 1000L,
                });
                demo.Start(scheduler.Add(demo));
            }

            // The shell's TCP diagnostic (`net tcp`), on the second connection.
            LwipTcpConnection probeConnection = stack.CreateConnection();
            var probe = new EchoProbe(probeConnection, s_board.Clock, log);
            probeConnection.BindOwner(scheduler.Add(probe));

            var consoleInput = new ByteRing(ConsoleInputBytes);
            var shell = new Shell(consoleInput, console, log, ShellCommandCapacity);
            shell.Add(new UptimeCommand(s_board.Clock));
            shell.Add(new MemCommand());
            shell.Add(new TasksCommand(scheduler));
            shell.Add(new NetCommand(stack, network, probe));
            shell.Add(new ConfigCommand(settings));
            shell.Add(new OcppCommand(lifecycle, chargePoint));
            int shellTask = scheduler.Add(shell);

#if SELFTEST
            SelfTest.BeforeSeal(log, scheduler, shell);
#endif
            log.Begin(LogLevel.Info, "main"u8).Append("Board "u8).Append(s_board.Name)
                .Append(", core clock "u8).Append(s_board.CoreClockHz).Append(" Hz"u8).End();
            Heap.Seal();
            scheduler.Start();
            log.Begin(LogLevel.Info, "main"u8).Append("Heap sealed: "u8).Append(Heap.Used).Append(" of "u8)
                .Append(Heap.Size).Append(" bytes used"u8).End();
            log.Begin(LogLevel.Info, "main"u8).Append("Scheduler started: "u8).Append(scheduler.Count)
                .Append(" of "u8).Append(scheduler.Capacity).Append(" tasks"u8).End();
            s_board.EnableConsoleInput(consoleInput, scheduler, shellTask);
            log.Info("main"u8, "Console ready: type help"u8);
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
    }
}
