using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.SessionLog;
using Xunit;

namespace ChargePoint.Tests.Core.SessionLog
{
    // The stream as a host sees it: what the charge point's calls, the meters and time make of it,
    // through the ring and the pump to the port.
    public class SessionStreamTests
    {
        private const string Header = "=== OCPP USB High-Speed Logger ===\r\nThis showcases USB High-Speed (480 Mbps) data transfer\r\n" +
                                      "Logging charging session data in real-time\r\n\r\n";
        private const string SummaryStart = "\r\n=== Session Summary ===\r\n";

        private static string[] Lines(string text) => text.Split("\r\n");

        private static long Figure(string text, string pattern) =>
            long.Parse(Regex.Match(text, pattern).Groups[1].Value, CultureInfo.InvariantCulture);

        // The seed's session (its origin document's USB output): connector 1's meter climbs 1.5 Wh a
        // second (7, 8, 10), connector 2's starts at 9 Wh and begins half a second after connector
        // 1's second reading.
        [Fact]
        public void The_seeds_session_streams_the_seeds_lines_byte_for_byte()
        {
            var bench = new StreamBench(startWh1: 7, startWh2: 9, powerW: 5400, bootMicroseconds: 17_197_000);
            bench.Authorize(1, "ZepId00");
            bench.StartCharging(1, "ZepId00");
            bench.Advance(1500);
            bench.Authorize(2, "ZepId01");
            bench.StartCharging(2, "ZepId01");
            bench.Advance(500);
            Assert.Equal(Header +
                "[START] Connector 1: ID=ZepId00\r\n" +
                "[AUTH] Connector 1: Authorized (status=1)\r\n" +
                "[METER] Conn1: 7 Wh (reading #1)\r\n" +
                "[METER] Conn1: 8 Wh (reading #2)\r\n" +
                "[START] Connector 2: ID=ZepId01\r\n" +
                "[AUTH] Connector 2: Authorized (status=1)\r\n" +
                "[METER] Conn2: 9 Wh (reading #3)\r\n" +
                "[METER] Conn1: 10 Wh (reading #4)\r\n", bench.Text);

            bench.Advance(48_000);
            bench.StopCharging(1);
            bench.Advance(1000);
            bench.StopCharging(2);
            bench.Advance(10);
            string text = bench.Text;
            int summary = text.IndexOf(SummaryStart, StringComparison.Ordinal);
            Assert.True(summary > 0, text);
            string before = text.Substring(0, summary);
            Assert.Contains("[METER] Conn1: 82 Wh (reading #100)\r\n[STOP] Connector 1: Session ended\r\n[METER] Conn2: 82 Wh (reading #101)\r\n", before);
            Assert.EndsWith("[STOP] Connector 2: Session ended\r\n", before);

            // True figures: what came before the summary, over the 51 s from START 1 to STOP 2.
            int meters = Lines(before).Count(l => l.StartsWith("[METER] ", StringComparison.Ordinal));
            Assert.Equal(51 + 50, meters); // connector 1 at 0..50 s, connector 2 at 1.5..50.5 s
            Assert.Equal(SummaryStart +
                $"Total meter readings: {meters}\r\n" +
                $"USB data transferred: {summary} bytes\r\n" +
                $"Average throughput: ~{summary / 51} bytes/sec\r\n" +
                "USB High-Speed (480 Mbps) enables efficient data logging\r\n", text.Substring(summary));
            var numbers = Regex.Matches(before, @"\(reading #(\d+)\)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(1, meters), numbers);
        }

        [Fact]
        public void With_timestamps_each_event_line_carries_the_consoles_time_and_nothing_else_does()
        {
            var bench = new StreamBench(new SessionStreamOptions { Timestamps = true, HighRateHz = 10 }, bootMicroseconds: 17_197_000);
            bench.Authorize(1, "ZepId00");
            bench.StartCharging(1, "ZepId00");
            bench.Advance(1000);
            bench.StopCharging(1);
            bench.Advance(1);
            string text = bench.Text;
            Assert.StartsWith(Header +
                "[00:00:17.197,000] [START] Connector 1: ID=ZepId00\r\n" +
                "[00:00:17.197,000] [AUTH] Connector 1: Authorized (status=1)\r\n" +
                "[00:00:17.197,000] [METER] Conn1: 7 Wh (reading #1)\r\n" +
                "[HR] 1 17197000 230000 15652 3600 7000\r\n" +
                "[HR] 1 17297000 230000 15652 3600 7100\r\n", text);
            Assert.Contains("[00:00:18.197,000] [METER] Conn1: 8 Wh (reading #2)\r\n", text);
            Assert.Contains("[HR] 1 18197000 230000 15652 3600 8000\r\n[00:00:18.197,000] [STOP] Connector 1: Session ended\r\n", text);
            foreach (string line in Lines(text.Substring(text.IndexOf(SummaryStart, StringComparison.Ordinal))))
                Assert.False(line.StartsWith("[", StringComparison.Ordinal), line);
        }

        [Fact]
        public void High_rate_samples_come_every_period_from_the_start_to_the_stop_with_true_counts()
        {
            var bench = new StreamBench(new SessionStreamOptions { HighRateHz = 1000 }, bootMicroseconds: 5_000_000);
            bench.Authorize(1, "ZepId00");
            bench.StartCharging(1, "ZepId00");
            bench.Advance(250);
            bench.Authorize(2, "ZepId01");
            bench.StartCharging(2, "ZepId01");
            bench.Advance(2000);
            bench.StopCharging(1);
            bench.Advance(1000);
            bench.StopCharging(2);
            bench.Advance(1);
            string text = bench.Text;
            var samples = new Dictionary<int, List<long[]>> { [1] = new List<long[]>(), [2] = new List<long[]>() };
            foreach (string line in Lines(text).Where(l => l.StartsWith("[HR] ", StringComparison.Ordinal)))
            {
                long[] f = line.Substring(5).Split(' ').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(6, f.Length);
                samples[(int)f[0]].Add(f);
            }
            // Connector 1 from 5.000 s to 7.250 s, connector 2 from 5.250 s to 8.250 s, each sample
            // 1000 µs after the one before, the energy rising 1 mWh a millisecond at 3600 W.
            Assert.Equal(2251, samples[1].Count);
            Assert.Equal(3001, samples[2].Count);
            for (int c = 1; c <= 2; c++)
            {
                long start = c == 1 ? 5_000_000 : 5_250_000;
                for (int i = 0; i < samples[c].Count; i++)
                {
                    long[] s = samples[c][i];
                    Assert.Equal(start + i * 1000L, s[1]);
                    Assert.Equal(230000, s[2]);
                    Assert.Equal(15652, s[3]);
                    Assert.Equal(3600, s[4]);
                    Assert.Equal(7000 + i, s[5]);
                }
            }
            Assert.Contains("High-rate samples: 5252 at 1000 Hz per connector, 0 bytes dropped\r\n", text);
            Assert.Equal(5252, bench.Stream.HighRateLines);
            Assert.Equal(0, bench.Stream.DroppedBytes);
            int summary = text.IndexOf(SummaryStart, StringComparison.Ordinal);
            Assert.Equal(summary, Figure(text, @"USB data transferred: (\d+) bytes"));
            Assert.Equal(summary / 3, Figure(text, @"Average throughput: ~(\d+) bytes/sec")); // 5.000 s .. 8.250 s
        }

        [Fact]
        public void A_stalled_sampler_catches_up_on_the_same_instants()
        {
            var bench = new StreamBench(new SessionStreamOptions { HighRateHz = 1000 });
            bench.StartCharging(1, "ZepId00");
            bench.Advance(10);
            bench.Clock.AdvanceMilliseconds(400); // the loop did not run for 400 ms (400 samples, 16 KB)
            bench.Advance(100);
            bench.StopCharging(1);
            bench.Advance(1);
            var times = Lines(bench.Text).Where(l => l.StartsWith("[HR] 1 ", StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, 511).Select(i => i * 1000L), times);
            Assert.Equal(0, bench.Stream.DroppedBytes);
        }

        [Fact]
        public void The_meter_reading_interval_is_the_configured_one_from_the_start()
        {
            var bench = new StreamBench(new SessionStreamOptions { MeterReadingSeconds = 3 });
            bench.StartCharging(2, "ZepId01");
            bench.Advance(9500);
            Assert.Equal(Header +
                "[START] Connector 2: ID=ZepId01\r\n" +
                "[METER] Conn2: 7 Wh (reading #1)\r\n" +
                "[METER] Conn2: 10 Wh (reading #2)\r\n" +
                "[METER] Conn2: 13 Wh (reading #3)\r\n" +
                "[METER] Conn2: 16 Wh (reading #4)\r\n", bench.Text);
            Assert.Equal(0, bench.Stream.HighRateLines);
        }

        [Fact]
        public void A_refused_authorization_ends_its_session_and_the_summary_follows()
        {
            var bench = new StreamBench();
            bench.Authorize(1, "Stolen", accepted: false);
            bench.Advance(1);
            Assert.StartsWith(Header +
                "[START] Connector 1: ID=Stolen\r\n" +
                "[AUTH] Connector 1: Not authorized (status=2)\r\n" +
                "[STOP] Connector 1: Session ended\r\n" +
                SummaryStart + "Total meter readings: 0\r\n", bench.Text);
            Assert.Equal(0, bench.Stream.RunningSessions);
        }

        [Fact]
        public void An_authorization_nobody_answered_is_not_authorized_with_status_0()
        {
            var bench = new StreamBench();
            bench.Stream.AuthorizationRequested(1, "ZepId00"u8);
            bench.Stream.Authorized(1, AuthorizationStatus.Invalid);
            bench.Advance(1);
            Assert.Contains("[AUTH] Connector 1: Not authorized (status=0)\r\n[STOP] Connector 1: Session ended\r\n", bench.Text);
        }

        [Fact]
        public void The_summary_waits_for_the_last_running_session()
        {
            var bench = new StreamBench();
            bench.Authorize(1, "ZepId00");
            bench.StartCharging(1, "ZepId00");
            bench.Authorize(2, "ZepId01");
            bench.StartCharging(2, "ZepId01");
            bench.Advance(2000);
            bench.StopCharging(1);
            bench.Advance(1000);
            Assert.DoesNotContain("Session Summary", bench.Text);
            Assert.Equal(1, bench.Stream.RunningSessions);
            bench.StopCharging(2);
            bench.Advance(1);
            Assert.EndsWith("[STOP] Connector 2: Session ended\r\n" + SummaryStart + "Total meter readings: 7\r\n", bench.Text.Substring(0, bench.Text.IndexOf("USB data", StringComparison.Ordinal)));

            // A second round: its own duration, the counts since boot.
            int first = bench.Text.Length;
            bench.Authorize(1, "ZepId00");
            bench.StartCharging(1, "ZepId00");
            bench.Advance(4000);
            bench.StopCharging(1);
            bench.Advance(1);
            string text = bench.Text;
            int second = text.IndexOf(SummaryStart, first, StringComparison.Ordinal);
            Assert.Contains($"Total meter readings: 12\r\nUSB data transferred: {second} bytes\r\nAverage throughput: ~{second / 4} bytes/sec\r\n", text.Substring(second));
        }

        [Fact]
        public void A_transaction_started_without_an_authorization_begins_its_session()
        {
            var bench = new StreamBench();
            bench.StartCharging(1, "Remote01");
            bench.Advance(1);
            Assert.Equal(Header + "[START] Connector 1: ID=Remote01\r\n[METER] Conn1: 7 Wh (reading #1)\r\n", bench.Text);
        }

        [Fact]
        public void An_authorization_never_followed_by_a_transaction_gives_way_to_the_next()
        {
            var bench = new StreamBench();
            bench.Authorize(1, "ZepId00");
            bench.Authorize(1, "ZepId01");
            bench.Advance(1);
            Assert.Equal(Header +
                "[START] Connector 1: ID=ZepId00\r\n[AUTH] Connector 1: Authorized (status=1)\r\n[STOP] Connector 1: Session ended\r\n" +
                "[START] Connector 1: ID=ZepId01\r\n[AUTH] Connector 1: Authorized (status=1)\r\n", bench.Text);
            Assert.Equal(1, bench.Stream.RunningSessions);
        }

        [Fact]
        public void Events_for_a_connector_without_a_meter_are_ignored()
        {
            var bench = new StreamBench();
            bench.Stream.AuthorizationRequested(0, "ZepId00"u8);
            bench.Stream.AuthorizationRequested(3, "ZepId00"u8);
            bench.Stream.TransactionStopping(1);
            bench.Advance(1);
            Assert.Equal(Header, bench.Text);
        }

        // ---- the port ---------------------------------------------------------------------------------
        [Fact]
        public void A_port_open_at_boot_gets_the_header_at_once()
        {
            var bench = new StreamBench();
            Assert.Equal(Header, bench.Text);
            Assert.Equal(Header.Length, bench.Stream.StreamBytes);
        }

        [Fact]
        public void While_no_host_listens_old_lines_are_overwritten_and_the_next_host_is_told_how_much()
        {
            var bench = new StreamBench(new SessionStreamOptions { Timestamps = true }, ringBytes: 1024, portOpen: false);
            bench.Authorize(1, "ZepId00");
            bench.StartCharging(1, "ZepId00");
            bench.Advance(60_000);
            Assert.Equal(0, bench.Port.Length);
            long lostWhileClosed = bench.Ring.LostBytes;
            Assert.True(lostWhileClosed > 1000, $"{lostWhileClosed} bytes lost");

            bench.Port.IsOpen = true;
            bench.Advance(20); // the pump looks every 10 ms while the port is closed
            string text = bench.Text;
            // Every byte lost, those that made room for the header and this line included.
            long lost = bench.Ring.LostBytes;
            Assert.True(lost >= lostWhileClosed && lost < lostWhileClosed + 300, $"{lost} lost in all, {lostWhileClosed} before the open");
            Assert.StartsWith(Header + $"[LOST] {lost} bytes dropped while no host was connected\r\n[00:", text);
            // The newest readings, whole lines, in order, up to the last.
            Assert.EndsWith("[00:01:00.000,000] [METER] Conn1: 67 Wh (reading #61)\r\n", text);
            foreach (string line in Lines(text).Skip(5).Where(l => l.Length > 0))
                Assert.Matches(@"^\[00:\d\d:\d\d\.\d{3},\d{3}\] \[METER\] Conn1: \d+ Wh \(reading #\d+\)$", line);

            // The summary counts what the stream carried, not what was overwritten.
            bench.StopCharging(1);
            bench.Advance(1);
            text = bench.Text;
            int kept = Lines(text).Count(l => l.Contains("[METER]", StringComparison.Ordinal));
            Assert.Contains($"Total meter readings: {kept}\r\n", text);
            Assert.Equal(61 - kept, bench.Ring.LostMeterLines);
            Assert.Contains($"USB data transferred: {text.IndexOf(SummaryStart, StringComparison.Ordinal)} bytes\r\n", text);
        }

        [Fact]
        public void A_host_that_comes_and_goes_gets_a_header_each_time_and_only_whole_lines()
        {
            var bench = new StreamBench();
            bench.StartCharging(1, "ZepId00");
            bench.Advance(2500);
            bench.Port.TakeLimit = 10; // the host reads 10 bytes a millisecond...
            bench.Advance(501);        // the reading at 3 s goes out in pieces: 20 of its 35 bytes by 3.001 s
            bench.Port.IsOpen = false; // ...and closes the port in the middle of it
            bench.Port.TakeLimit = int.MaxValue;
            bench.Advance(5000);
            string before = bench.Text;
            bench.Port.Clear();
            bench.Port.IsOpen = true;
            bench.Advance(15);
            string text = bench.Text;
            Assert.StartsWith(Header + "[LOST] 15 bytes dropped while no host was connected\r\n[METER] Conn1: 11 Wh (reading #5)\r\n", text);
            Assert.EndsWith("[METER] Conn1: 9 Wh (reading #3)\r\n[METER] Conn1: 10 Wh", before);
            Assert.DoesNotContain(Header, before.Substring(Header.Length));
            foreach (string line in Lines(text).Skip(5).Where(l => l.Length > 0))
                Assert.Matches(@"^\[METER\] Conn1: \d+ Wh \(reading #\d+\)$", line);
        }

        [Fact]
        public void A_slow_host_gets_every_byte_in_order()
        {
            var slow = new StreamBench(new SessionStreamOptions { HighRateHz = 100 });
            var fast = new StreamBench(new SessionStreamOptions { HighRateHz = 100 });
            slow.Port.TakeLimit = 7;
            foreach (StreamBench bench in new[] { slow, fast })
            {
                bench.Authorize(1, "ZepId00");
                bench.StartCharging(1, "ZepId00");
                bench.Advance(3000);
                bench.StopCharging(1);
                bench.Advance(2000);
            }
            Assert.Equal(fast.Text, slow.Text);
            Assert.Equal(0, slow.Stream.DroppedBytes);
            Assert.True(slow.Port.Writes > 5 * fast.Port.Writes, $"{slow.Port.Writes} writes to the slow host, {fast.Port.Writes} to the fast one");
        }

        [Fact]
        public void A_host_that_holds_the_port_open_but_reads_nothing_loses_lines_it_is_told_about_in_the_summary()
        {
            var bench = new StreamBench(new SessionStreamOptions { HighRateHz = 1000 }, ringBytes: 4096);
            bench.Port.TakeLimit = 0;
            bench.StartCharging(1, "ZepId00");
            bench.Advance(3000); // 3000 samples into 4 KiB: the producer never waits
            bench.StopCharging(1);
            Assert.True(bench.Ring.RefusedBytes > 100_000, $"{bench.Ring.RefusedBytes} refused");
            bench.Port.TakeLimit = int.MaxValue;
            bench.Advance(5);
            string text = bench.Text;
            // The summary itself did not fit either: what arrived is the oldest part, whole lines.
            Assert.StartsWith(Header + "[START] Connector 1: ID=ZepId00\r\n", text);
            Assert.True(text.Length <= 4096 + Header.Length);
            Assert.EndsWith("\r\n", text);
            Assert.Equal(bench.Ring.RefusedBytes, bench.Stream.DroppedBytes);
        }

        [Fact]
        public void The_pump_sleeps_while_there_is_nothing_to_send_and_looks_for_a_host_while_the_port_is_closed()
        {
            var bench = new StreamBench();
            int writes = bench.Port.Writes;
            bench.Advance(1000);
            Assert.Equal(writes, bench.Port.Writes);
            Assert.Equal(ChargePoint.Core.Scheduling.Scheduler.Never, bench.Scheduler.MillisecondsUntilNextWake());

            var closed = new StreamBench(portOpen: false);
            closed.Advance(1000);
            Assert.Equal(0, closed.Port.Writes);
            Assert.InRange(closed.Scheduler.RunsOf(1), 95, 105);
            Assert.Equal(0, closed.Scheduler.RunsOf(0)); // the sampler: nothing charges
        }
    }
}
