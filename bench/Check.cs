using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using ChargePoint.Core.Json;

namespace ChargePoint.Bench
{
    // Before any timing: both writers must produce byte-identical output for every message, and
    // both readers must do the same work on it (the same checksum). A benchmark of two codecs
    // that disagree would compare nothing.
    internal static class Check
    {
        public static bool Run()
        {
            bool ok = true;
            foreach (OcppMessage message in Enum.GetValues<OcppMessage>())
            {
                var ours = new JsonWriter(OcppMessages.BufferSize);
                OcppMessages.Write(message, ours);
                byte[] stj = WriteStj(message, JsonCodecBenchmarks.WriterOptions);
                byte[] text = new byte[OcppMessages.BufferSize];
                if (!ours.IsComplete)
                {
                    Console.WriteLine($"check {message}: JsonWriter did not complete (overflowed {ours.Overflowed}, misused {ours.Misused})");
                    ok = false;
                    continue;
                }
                if (!ours.Written.SequenceEqual(stj))
                {
                    Console.WriteLine($"check {message}: the writers differ (System.Text.Json's escaping? see JsonCodecBenchmarks.WriterOptions)");
                    Console.WriteLine("  ours: " + Encoding.UTF8.GetString(ours.Written));
                    Console.WriteLine("  stj:  " + Encoding.UTF8.GetString(stj));
                    ok = false;
                    continue;
                }
                long ourSum = Walkers.Walk(ours.Written, text);
                long stjSum = Walkers.Walk(ours.Written, text, JsonCodecBenchmarks.ReaderOptions);
                if (ourSum != stjSum)
                {
                    Console.WriteLine($"check {message}: the readers disagree (checksum {ourSum} against {stjSum})");
                    ok = false;
                    continue;
                }
                Console.WriteLine($"check {message}: {ours.Length} bytes, writers byte-identical, readers agree (checksum {ourSum})");
            }
            return ok;
        }

        // The session stream's benchmark: ours and the C side format the same bytes, and the C
        // side's timed function reports the same count.
        public static bool RunSessionLog()
        {
            byte[] ours = SessionLogBenchmarks.OursBytes();
            byte[] c = SessionLogBenchmarks.CBytes();
            if (c == null || !ours.AsSpan().SequenceEqual(c))
            {
                int at = 0;
                while (c != null && at < Math.Min(ours.Length, c.Length) && ours[at] == c[at]) at++;
                Console.WriteLine($"check usblog: the C lines differ from ours (at byte {at}: ours {Excerpt(ours, at)}, C {(c == null ? "nothing" : Excerpt(c, at))})");
                return false;
            }
            long run = SessionLogBenchmarks.CRunOnce();
            if (run != ours.Length)
            {
                Console.WriteLine($"check usblog: the C run reports {run} bytes, the lines are {ours.Length}");
                return false;
            }
            Console.WriteLine($"check usblog: {SessionLogBenchmarks.Lines} lines, {ours.Length} bytes, C and ours byte-identical");
            return true;
        }

        private static string Excerpt(byte[] bytes, int at) =>
            "\"" + Encoding.ASCII.GetString(bytes, Math.Max(0, at - 20), Math.Min(40, bytes.Length - Math.Max(0, at - 20))).Replace("\r\n", "\\r\\n") + "\"";

        private static byte[] WriteStj(OcppMessage message, JsonWriterOptions options)
        {
            var buffer = new ArrayBufferWriter<byte>(OcppMessages.BufferSize);
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                OcppMessages.Write(message, writer);
            }
            return buffer.WrittenSpan.ToArray();
        }

        // One message as text, for a look at what is measured.
        public static string Show(OcppMessage message)
        {
            var ours = new JsonWriter(OcppMessages.BufferSize);
            OcppMessages.Write(message, ours);
            return Encoding.UTF8.GetString(ours.Written);
        }
    }
}
