#if SELFTEST
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Shell;

namespace ChargePoint
{
    // Built only into the self-test image (make VARIANT=selftest): proves on the device what the
    // host tests cannot, one log line per check, and adds a `fault` command that triggers each
    // failure path on demand. tests/Emulator reads these lines.
    public static unsafe class SelfTest
    {
        // Kept in statics so the compiler cannot see through them and devirtualize or fold.
        private static IClock s_clock;
        private static Shape[] s_shapes;
        private static IReading[] s_readings;
        private static int s_failures;

        private sealed class FakeClock : IClock
        {
            public long Now;
            public long UptimeMicroseconds => Now;
        }

        private abstract class Shape { public abstract int Area(); }
        private sealed class Square : Shape { public int Side; public override int Area() => Side * Side; }
        private sealed class Rectangle : Shape { public int W, H; public override int Area() => W * H; }

        private struct Pair<T> where T : struct
        {
            public T First, Second;
            public Pair(T first, T second) { First = first; Second = second; }
        }

        // Three slots, an override in a derived class and non-virtual implementations (which ilc
        // places in the sealed vtable): every path of the native resolver.
        private interface IReading { int Energy(); int Power(); int Voltage(); }

        private class BaseMeter : IReading
        {
            public virtual int Energy() => 1;
            public int Power() => 20;
            public int Voltage() => 230;
        }

        // Adds a virtual of its own: its vtable is longer than BaseMeter's, so BaseMeter's sealed
        // slots (Power, Voltage) must not be looked up in it.
        private class DerivedMeter : BaseMeter
        {
            public override int Energy() => 7;
            public virtual int Extra() => 99;
        }

        private sealed class LeafMeter : DerivedMeter
        {
            public override int Extra() => 98;
        }

        // More unrelated implementers than ilc will test for one by one: the calls go through
        // dispatch cells and the native resolver (the emulator test checks the image has them).
        private sealed class FixedMeter<T> : IReading
        {
            private readonly int _energy;
            public FixedMeter(int energy) { _energy = energy; }
            int IReading.Energy() => _energy;
            int IReading.Power() => 11;
            int IReading.Voltage() => 400;
        }

        private sealed class CountingTask : ITask
        {
            public int Runs;
            public ReadOnlySpan<byte> Name => "count"u8;
            public void Run(long nowMilliseconds) => Runs++;
        }

        // ---- static data --------------------------------------------------------------------
        // A constant lookup table (CRC-8, polynomial 0x07, one entry per nibble): ilc keeps the bytes
        // in .rodata (flash) and the span points straight at them.
        private static ReadOnlySpan<byte> Crc8Table => new byte[]
        {
            0x00, 0x07, 0x0E, 0x09, 0x1C, 0x1B, 0x12, 0x15, 0x38, 0x3F, 0x36, 0x31, 0x24, 0x23, 0x2A, 0x2D,
        };

        // A static with an initializer ilc evaluates at compile time (preinitialized data).
        private static readonly int[] s_powersOfTen = { 1, 10, 100, 1000, 10000, 100000 };

        // A static constructor ilc cannot evaluate (it calls C): it runs at boot, before the heap is
        // sealed (native/modules.c), never lazily. It allocates, which only boot may do.
        private static class BootTable
        {
            public static readonly byte[] Checksums;
            public static readonly uint Seed;

            static BootTable()
            {
                Checksums = new byte[4];
                for (int i = 0; i < Checksums.Length; i++) Checksums[i] = (byte)i;
                Seed = Fletcher16(Checksums, 0);
            }
        }

        // ---- C# -> C and C -> C# ------------------------------------------------------------
        [StructLayout(LayoutKind.Sequential)]
        private struct MeterSample
        {
            public uint Id;
            public int Milliwatts;
            public ushort Flags;
            public ushort Connector;
            public long EnergyWh;
        }

        private sealed class SampleTotals
        {
            public int Count;
            public long Milliwatts;
            public long EnergyWh;
            public uint LastId;
            public int Connector2;
        }

        // C callbacks carry a context word; here it indexes a table of receivers made at boot
        // (the way lwIP's `arg` will name a connection slot).
        private static SampleTotals[] s_sampleReceivers;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_selftest_replay_samples")]
        private static extern int ReplaySamples(void* context, int count);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_selftest_fletcher16")]
        private static extern uint NativeFletcher16(byte* data, int length, uint seed);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_selftest_hard_fault")]
        private static extern void NativeHardFault();

        private static uint Fletcher16(ReadOnlySpan<byte> data, uint seed)
        {
            fixed (byte* pointer = data)
                return NativeFletcher16(pointer, data.Length, seed);
        }

        [UnmanagedCallersOnly(EntryPoint = "firmware_selftest_on_sample")]
        private static void OnSample(void* context, MeterSample* sample)
        {
            SampleTotals totals = s_sampleReceivers[(int)context];
            totals.Count++;
            totals.Milliwatts += sample->Milliwatts;
            totals.EnergyWh += sample->EnergyWh;
            totals.LastId = sample->Id;
            if (sample->Connector == 2) totals.Connector2++;
        }

        public static void BeforeSeal(Logger log, Scheduler scheduler, Shell shell)
        {
            // An interface call whose receiver the compiler cannot know: a fake behind IClock.
            var fake = new FakeClock { Now = 3723004005 };
            s_clock = fake;
            Check(log, "interface call through a fake", s_clock.UptimeMicroseconds, 3723004005);

            s_readings = new IReading[]
            {
                new BaseMeter(), new DerivedMeter(), new LeafMeter(), new FixedMeter<byte>(2), new FixedMeter<int>(3), new FixedMeter<long>(4),
            };
            long readings = 0;
            for (int i = 0; i < s_readings.Length; i++)
                readings = readings * 31 + s_readings[i].Energy() * 1000 + s_readings[i].Power() + s_readings[i].Voltage();
            Check(log, "interface slots, overrides and sealed slots", readings, 42700377873);
            Check(log, "virtual added by a derived class", ((DerivedMeter)s_readings[1]).Extra() + ((DerivedMeter)s_readings[2]).Extra(), 197);

            // The same fake drives a scheduler through IClock and ITask (both interface calls).
            var fakeScheduler = new Scheduler(fake, 2);
            var task = new CountingTask();
            int id = fakeScheduler.Add(task);
            fakeScheduler.Every(id, 10, 10);
            fakeScheduler.RunDue();
            fake.Now += 25000;
            fakeScheduler.RunDue();
            fake.Now += 10000;
            fakeScheduler.RunDue();
            Check(log, "scheduler on a fake clock", task.Runs, 2);

            s_shapes = new Shape[] { new Square { Side = 7 }, new Rectangle { W = 3, H = 5 } };
            Check(log, "virtual calls", s_shapes[0].Area() + s_shapes[1].Area(), 64);

            var pair = new Pair<long>(1L << 40, 3);
            Check(log, "generic struct", pair.First / pair.Second, 366503875925);

            Check(log, "64-bit division", Divide(-9000000000000000007, 1000000007), -8999999937);
            Check(log, "32-bit remainder", Remainder(1000003, 97), 1000003 % 97);
            double root = SquareRoot(2.0);
            Check(log, "double math", (long)(root * 1000000), 1414213);

            Span<int> numbers = stackalloc int[8];
            for (int i = 0; i < numbers.Length; i++) numbers[i] = i * i;
            Check(log, "span over stackalloc", numbers[7] + numbers.Slice(2, 3)[1], 49 + 9);

            string joined = string.Concat("OCPP ", "1.6J");
            Check(log, "string concat and equality", joined == "OCPP 1.6J" && joined.Length == 9 ? 1 : 0, 1);

            // The log line format through the fake clock, compared byte for byte.
            var capture = new CaptureOut();
            var fakeLog = new Logger(fake, capture, 80);
            fake.Now = 2642000;
            fakeLog.Info("main", "Your address: 10.0.2.15");
            Check(log, "log line format", capture.Matches("[00:00:02.642,000] <inf> main: Your address: 10.0.2.15\r\n") ? 1 : 0, 1);

            // C# -> C: a span (pinned: a plain pointer, no copy) and integers in, a value back.
            ReadOnlySpan<byte> text = "abcde"u8;
            Check(log, "C call with a span", Fletcher16(text, 0), 0xC8F0);

            // C -> C#: C calls the export once per struct, with the context C# passed in.
            s_sampleReceivers = new SampleTotals[] { new SampleTotals(), new SampleTotals() };
            int replayed = ReplaySamples((void*)1, 5);
            SampleTotals totals = s_sampleReceivers[1];
            Check(log, "C calls back into C# with a struct", replayed * 1000000 + totals.Count * 10000 + totals.Milliwatts, 5053750);
            Check(log, "callback struct fields", totals.LastId * 100 + totals.Connector2, 100402);
            Check(log, "callback 64-bit field", totals.EnergyWh, 25000000010);
            Check(log, "callback context selects the receiver", s_sampleReceivers[0].Count, 0);

            // Static data.
            Check(log, "constant table in flash", Crc8("123456789"u8), 0xF4); // the CRC-8/SMBUS check value
            Check(log, "preinitialized static array", s_powersOfTen[5] + s_powersOfTen.Length, 100006);
            Check(log, "static constructor ran at boot", BootTable.Checksums[3] * 100000 + BootTable.Seed, 300000 + 0x0A06);

            shell.Add(new FaultCommand());
        }

        public static void AfterSeal(Logger log, Scheduler scheduler)
        {
            log.Begin(s_failures == 0 ? LogLevel.Info : LogLevel.Error, "selftest")
                .Append("checks done, ").Append(s_failures).Append(" failed").End();
        }

        // fault alloc|index|null|hard: each failure path on demand, one per boot.
        private sealed class FaultCommand : IShellCommand
        {
            private static object s_sink;
            private static int[] s_small = new int[3];
            private static SampleTotals s_missing;
            private static FarField s_missingFar;

            // A field past 1 KiB: ilc leaves out the explicit null check (it counts on a fault for
            // offsets up to 2047), so the MPU guard must cover that far.
            private sealed class FarField
            {
                public Padding Before;
                public int Value;
            }

            [StructLayout(LayoutKind.Sequential, Size = 1200)]
            private struct Padding { private byte _first; }

            public ReadOnlySpan<byte> Name => "fault"u8;
            public ReadOnlySpan<byte> Help => "alloc | index | null | nullfar | hard: trigger that failure (self-test image)"u8;

            public void Run(ReadOnlySpan<byte> arguments, Logger reply)
            {
                if (arguments.SequenceEqual("alloc"u8))
                {
                    reply.BeginText().Append("allocating 100 bytes on the sealed heap").End();
                    s_sink = new byte[100];
                }
                else if (arguments.SequenceEqual("index"u8))
                {
                    reply.BeginText().Append("reading past the end of an array").End();
                    s_small[s_small.Length + arguments.Length - 5] = 1;
                }
                else if (arguments.SequenceEqual("null"u8))
                {
                    reply.BeginText().Append("reading a field through null").End();
                    s_small[0] = s_missing.Count;
                }
                else if (arguments.SequenceEqual("nullfar"u8))
                {
                    reply.BeginText().Append("reading a field 1200 bytes into a null object"u8).End();
                    s_small[0] = s_missingFar.Value;
                }
                else if (arguments.SequenceEqual("hard"u8))
                {
                    reply.BeginText().Append("executing an undefined instruction with UsageFault disabled").End();
                    NativeHardFault();
                }
                else
                {
                    reply.BeginText().Append("usage: fault alloc|index|null|nullfar|hard"u8).End();
                    return;
                }
                reply.BeginText().Append("error: the fault did not stop the firmware").End();
            }
        }

        private static int Crc8(ReadOnlySpan<byte> data)
        {
            int crc = 0;
            for (int i = 0; i < data.Length; i++)
            {
                crc = (Crc8Table[(crc >> 4) ^ (data[i] >> 4)] ^ (crc << 4)) & 0xFF;
                crc = (Crc8Table[(crc >> 4) ^ (data[i] & 0xF)] ^ (crc << 4)) & 0xFF;
            }
            return crc;
        }

        private static long Divide(long a, long b) => a / b;
        private static int Remainder(int a, int b) => a % b;

        private static double SquareRoot(double value)
        {
            double x = value;
            for (int i = 0; i < 20; i++) x = 0.5 * (x + value / x);
            return x;
        }

        private static void Check(Logger log, string what, long actual, long expected)
        {
            if (actual == expected)
            {
                log.Begin(LogLevel.Info, "selftest").Append(what).Append(": ok").End();
                return;
            }
            s_failures++;
            log.Begin(LogLevel.Error, "selftest").Append(what).Append(": FAILED, got ").Append(actual)
                .Append(", expected ").Append(expected).End();
        }

        private sealed class CaptureOut : ISerialOut
        {
            private readonly byte[] _bytes = new byte[128];
            private int _length;

            public void Write(ReadOnlySpan<byte> data)
            {
                for (int i = 0; i < data.Length && _length < _bytes.Length; i++) _bytes[_length++] = data[i];
            }

            public bool Matches(string expected)
            {
                if (expected.Length != _length) return false;
                for (int i = 0; i < _length; i++)
                    if (_bytes[i] != expected[i]) return false;
                return true;
            }
        }
    }
}
#endif
