#if SELFTEST
using System;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;

namespace ChargePoint
{
    // Built only into the self-test image (make BOARD=mps2-an500 VARIANT=selftest): proves on the
    // device what the host tests cannot, one line per check, then ends in the sealed-heap panic.
    // tests/Emulator reads these lines.
    public static class SelfTest
    {
        // Kept in statics so the compiler cannot see through them and devirtualize or fold.
        private static IClock s_clock;
        private static Shape[] s_shapes;
        private static object s_sink;
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

        private sealed class DerivedMeter : BaseMeter
        {
            public override int Energy() => 7;
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

        private static IReading[] s_readings;

        private sealed class CountingTask : ITask
        {
            public int Runs;
            public void Run(long nowMilliseconds) => Runs++;
        }

        public static void BeforeSeal(Logger log, Scheduler scheduler)
        {
            // An interface call whose receiver the compiler cannot know: a fake behind IClock.
            var fake = new FakeClock { Now = 3723004005 };
            s_clock = fake;
            Check(log, "interface call through a fake", s_clock.UptimeMicroseconds, 3723004005);

            s_readings = new IReading[]
            {
                new BaseMeter(), new DerivedMeter(), new FixedMeter<byte>(2), new FixedMeter<int>(3), new FixedMeter<long>(4),
            };
            long readings = 0;
            for (int i = 0; i < s_readings.Length; i++)
                readings = readings * 31 + s_readings[i].Energy() * 1000 + s_readings[i].Power() + s_readings[i].Voltage();
            Check(log, "interface slots, overrides and sealed slots", readings, 1372813123);

            // The same fake drives a scheduler through IClock and ITask (both interface calls).
            var fakeScheduler = new Scheduler(fake, 2);
            var task = new CountingTask();
            int id = fakeScheduler.Add("count", task);
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
        }

        public static void AfterSeal(Logger log, Scheduler scheduler)
        {
            log.Begin(s_failures == 0 ? LogLevel.Info : LogLevel.Error, "selftest")
                .Append("checks done, ").Append(s_failures).Append(" failed").End();
            log.Info("selftest", "allocating 100 bytes after the heap was sealed (expect a panic)");
            s_sink = new byte[100];
            log.Error("selftest", "no panic after allocating on a sealed heap");
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
