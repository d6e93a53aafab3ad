using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;
using Xunit;

namespace ChargePoint.Tests.Core.Net
{
    public class EchoProbeTests
    {
        private readonly FakeClock _clock = new FakeClock();
        private readonly CapturingSerial _console = new CapturingSerial();
        private readonly Logger _log;

        public EchoProbeTests() { _log = new Logger(_clock, _console, 200); }

        // Plays an echo server on the fake: what the probe sent comes back, `window` bytes at a time.
        private static void Echo(FakeTcpConnection connection, int window)
        {
            var buffer = new byte[window];
            int count = connection.Acknowledge(buffer);
            if (count > 0) connection.Deliver(buffer.AsSpan(0, count));
        }

        [Fact]
        public void Streams_more_than_the_send_window_and_checks_every_byte_that_comes_back()
        {
            var connection = new FakeTcpConnection(sendWindow: 3000);
            var probe = new EchoProbe(connection, _clock, _log);
            Assert.True(probe.Start("10.0.2.2"u8, 7, 100000));
            Assert.Equal("10.0.2.2", connection.Host);
            connection.Accept();
            probe.Run(0);
            for (int round = 0; round < 200 && probe.IsBusy; round++)
            {
                Assert.True(connection.Unacknowledged <= 3000);
                _clock.AdvanceMilliseconds(1);
                Echo(connection, 1000);
                probe.Run(0);
            }
            Assert.False(probe.IsBusy);
            Assert.Equal(100000, probe.BytesChecked);
            Assert.Contains("<inf> net: tcp: connected to 10.0.2.2:7", _console.Text);
            Assert.Contains("<inf> net: tcp: 100000 bytes echoed and checked in ", _console.Text);
            Assert.Equal(TcpState.Closed, connection.State);
        }

        [Fact]
        public void A_corrupted_echo_is_reported_at_the_byte_where_it_differs()
        {
            var connection = new FakeTcpConnection(sendWindow: 4096);
            var probe = new EchoProbe(connection, _clock, _log);
            probe.Start("10.0.2.2"u8, 7, 2000);
            connection.Accept();
            probe.Run(0);
            var sent = new byte[2000];
            int count = connection.Acknowledge(sent);
            Assert.Equal(2000, count);
            sent[1234] ^= 0x01;
            connection.Deliver(sent);
            probe.Run(0);
            Assert.Contains("<err> net: tcp: echo differs at byte 1234", _console.Text);
            Assert.False(probe.IsBusy);
        }

        [Fact]
        public void A_peer_that_closes_mid_stream_ends_the_probe_with_a_closed_line_not_a_hang()
        {
            var connection = new FakeTcpConnection();
            var probe = new EchoProbe(connection, _clock, _log);
            probe.Start("cs.example.test"u8, 8180, 0);
            connection.Accept();
            probe.Run(0);
            Assert.True(probe.IsBusy);
            connection.PeerClose();
            probe.Run(0);
            Assert.False(probe.IsBusy);
            Assert.Contains("<inf> net: tcp: closed by peer after 0 of 0 bytes", _console.Text);
            Assert.Equal(1, connection.Closes);
        }

        [Theory]
        [InlineData(TcpError.Reset, "connection reset by peer")]
        [InlineData(TcpError.Refused, "connection refused")]
        [InlineData(TcpError.Timeout, "timed out")]
        [InlineData(TcpError.NameNotFound, "host name not found")]
        public void A_failed_connection_is_reported_with_its_reason(TcpError error, string text)
        {
            var connection = new FakeTcpConnection();
            var probe = new EchoProbe(connection, _clock, _log);
            probe.Start("cs.example.test"u8, 8180, 10);
            connection.Fail(error);
            probe.Run(0);
            Assert.Contains("<err> net: tcp: " + text + " after 0 of 10 bytes", _console.Text);
            Assert.False(probe.IsBusy);
        }

        [Fact]
        public void A_second_start_while_running_is_refused()
        {
            var connection = new FakeTcpConnection();
            var probe = new EchoProbe(connection, _clock, _log);
            Assert.True(probe.Start("10.0.2.2"u8, 7, 10));
            Assert.False(probe.Start("10.0.2.2"u8, 7, 10));
            Assert.Equal(1, connection.Connects);
        }

        [Fact]
        public void Send_takes_only_what_the_window_holds_and_the_rest_waits_for_writable()
        {
            var connection = new FakeTcpConnection(sendWindow: 100);
            connection.Connect("h"u8, 1, 1000);
            connection.Accept();
            Assert.Equal(100, connection.Send(new byte[250]));
            Assert.Equal(0, connection.Send(new byte[10]));
            Assert.Equal(TcpEvents.Connected, connection.TakeEvents());
            connection.Acknowledge(new byte[40]);
            Assert.Equal(TcpEvents.Writable, connection.TakeEvents());
            Assert.Equal(40, connection.Send(new byte[250]));
        }

        [Fact]
        public void Steady_state_echo_allocates_nothing()
        {
            var connection = new FakeTcpConnection(sendWindow: 3000);
            var probe = new EchoProbe(connection, _clock, _log);
            var buffer = new byte[1000];
            probe.Start("10.0.2.2"u8, 7, 1 << 20);
            connection.Accept();
            probe.Run(0);
            for (int i = 0; i < 10; i++) { int n = connection.Acknowledge(buffer); connection.Deliver(buffer.AsSpan(0, n)); probe.Run(0); }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++) { int n = connection.Acknowledge(buffer); connection.Deliver(buffer.AsSpan(0, n)); probe.Run(0); }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(probe.BytesChecked > 150000);
        }
    }
}
