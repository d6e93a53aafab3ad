using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using ChargePoint.Core.Meter;
using ChargePoint.Core.SessionLog;

namespace ChargePoint.Bench
{
    // The session stream's formatting and ring (firmware/Core/SessionLog: SessionLine into LogRing,
    // taken out as the pump does) against the same in C with snprintf (bench/usblog_format.c,
    // gcc -O2, through P/Invoke), on the same lines, the same number per operation. C is the
    // baseline, so BenchmarkDotNet's Ratio column of the Ours row is ours / C's time.
    [MemoryDiagnoser]
    public class SessionLogBenchmarks
    {
        // Lines per operation: one P/Invoke call for the C side, so its cost is spread thin.
        public const int Lines = 4096;
        public const string Library = "usblog_c";
        public const string LibraryFile = "libusblog_c.so";

        [DllImport(Library, EntryPoint = "usblog_c_run", ExactSpelling = true)]
        private static extern long CRun(int lines);

        [DllImport(Library, EntryPoint = "usblog_c_fill", ExactSpelling = true)]
        private static extern unsafe long CFill(byte* output, long capacity, int lines);

        static SessionLogBenchmarks()
        {
            NativeLibrary.SetDllImportResolver(typeof(SessionLogBenchmarks).Assembly, Resolve);
        }

        // tools/bench.sh names the library it built in SHARPCHARGE_USBLOG_C (BenchmarkDotNet's
        // runner processes inherit it); otherwise build/bench/ above this program's folder.
        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        {
            if (name != Library) return IntPtr.Zero;
            string file = Environment.GetEnvironmentVariable("SHARPCHARGE_USBLOG_C");
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); string.IsNullOrEmpty(file) && dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "build", "bench", LibraryFile);
                if (File.Exists(candidate)) file = candidate;
            }
            if (string.IsNullOrEmpty(file)) throw new DllNotFoundException($"{LibraryFile} not built (tools/bench.sh builds it from bench/usblog_format.c)");
            return NativeLibrary.Load(file);
        }

        private readonly byte[] _line = new byte[SessionLine.MaxLineBytes];
        private readonly LogRing _ring = new LogRing(16384) { Overwrite = false };

        [Benchmark(Baseline = true)]
        public long C() => CRun(Lines);

        [Benchmark]
        public long Ours()
        {
            long bytes = 0;
            for (int i = 0; i < Lines; i++)
            {
                int length = OursLine(_line, i);
                if (!_ring.TryWrite(new ReadOnlySpan<byte>(_line, 0, length))) return -1;
                while (!_ring.IsEmpty) _ring.Consume(_ring.Peek().Length); // the pump keeps up
                bytes += length;
            }
            return bytes;
        }

        // Line i of the workload, as usblog_line in usblog_format.c writes it.
        internal static int OursLine(Span<byte> line, int i)
        {
            int kind = i % 16;
            int c = 1 + (i & 1);
            long us = 17197000 + (long)i * 1000;
            switch (kind)
            {
                case 0: return SessionLine.Start(line, us, c, c == 1 ? "ZepId00"u8 : "ZepId01"u8);
                case 1: return SessionLine.Authorization(line, us, c, true, 1);
                case 2:
                case 3:
                case 4: return SessionLine.MeterReading(line, us, c, 7 + i / 100, i / 16 * 3 + (kind - 2) + 1);
                case 15: return SessionLine.Stop(line, us, c);
                default:
                    var reading = new MeterReading
                    {
                        UptimeMicroseconds = us, VoltageMillivolts = 230000, CurrentMilliamperes = 15652, PowerW = 3600, EnergyMilliwattHours = 7000 + i,
                    };
                    return SessionLine.HighRate(line, c, reading);
            }
        }

        // The bytes of one operation, both ways, for the check before the run.
        internal static byte[] OursBytes()
        {
            var output = new MemoryStream();
            var line = new byte[SessionLine.MaxLineBytes];
            for (int i = 0; i < Lines; i++) output.Write(line, 0, OursLine(line, i));
            return output.ToArray();
        }

        internal static unsafe byte[] CBytes()
        {
            var output = new byte[Lines * SessionLine.MaxLineBytes];
            long length;
            fixed (byte* p = output) length = CFill(p, output.Length, Lines);
            return length < 0 ? null : output.AsSpan(0, (int)length).ToArray();
        }

        internal static long CRunOnce() => CRun(Lines);
    }
}
