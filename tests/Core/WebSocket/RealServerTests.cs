using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.WebSocket;
using Xunit;
using WebSocketState = ChargePoint.Core.WebSocket.WebSocketState;

namespace ChargePoint.Tests.Core.WebSocket
{
    // The client against .NET's own WebSocket implementation as the server, over real loopback
    // sockets: the test answers the HTTP upgrade itself, then hands the stream to
    // WebSocket.CreateFromStream(isServer: true), which echoes text messages back.
    public class RealServerTests
    {
        private sealed class StopwatchClock : IClock
        {
            private readonly Stopwatch _watch = Stopwatch.StartNew();
            public long UptimeMicroseconds => _watch.ElapsedTicks * 1000000 / Stopwatch.Frequency;
        }

        // One connection: the handshake as a server sees it, an echo loop, how the close went.
        private sealed class EchoServer : IDisposable
        {
            private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
            public readonly Task Done;
            public string Request;
            public WebSocketCloseStatus? CloseStatus;
            public string CloseDescription;
            public readonly ConcurrentQueue<string> Received = new ConcurrentQueue<string>();
            public Exception Error;

            public EchoServer(TimeSpan keepAlive = default, TimeSpan keepAliveTimeout = default)
            {
                _listener.Server.ReceiveBufferSize = 4096; // with the client's small send buffer: TCP pushes back
                _listener.Start();
                Done = Task.Run(() => Serve(keepAlive, keepAliveTimeout));
            }

            public ushort Port => (ushort)((IPEndPoint)_listener.LocalEndpoint).Port;

            private async Task Serve(TimeSpan keepAlive, TimeSpan keepAliveTimeout)
            {
                try
                {
                    using TcpClient client = await _listener.AcceptTcpClientAsync();
                    NetworkStream stream = client.GetStream();
                    var request = new StringBuilder();
                    var one = new byte[1];
                    while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                    {
                        if (await stream.ReadAsync(one) == 0) return;
                        request.Append((char)one[0]);
                    }
                    Request = request.ToString();
                    string key = Request.Split("\r\n").Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.Ordinal)).Substring(18).Trim();
                    string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + ScriptedServer.Guid)));
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n"));
                    var options = new WebSocketCreationOptions { IsServer = true, SubProtocol = "ocpp1.6", KeepAliveInterval = keepAlive };
                    if (keepAliveTimeout != default) options.KeepAliveTimeout = keepAliveTimeout;
                    using System.Net.WebSockets.WebSocket socket = System.Net.WebSockets.WebSocket.CreateFromStream(stream, options);
                    var buffer = new byte[1 << 20];
                    while (true)
                    {
                        int length = 0;
                        ValueWebSocketReceiveResult result;
                        do
                        {
                            result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                            length += result.Count;
                        } while (!result.EndOfMessage);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            CloseStatus = socket.CloseStatus;
                            CloseDescription = socket.CloseStatusDescription;
                            await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, socket.CloseStatusDescription, CancellationToken.None);
                            break;
                        }
                        string text = Encoding.UTF8.GetString(buffer, 0, length);
                        Received.Enqueue(text);
                        if (text == "close me")
                        {
                            await socket.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "restart", CancellationToken.None);
                            CloseStatus = socket.CloseStatus;
                            CloseDescription = socket.CloseStatusDescription;
                            break;
                        }
                        await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                    // .NET's server end closes TCP itself once the close handshake is done (RFC 6455 7.1.1).
                }
                catch (Exception e)
                {
                    Error = e;
                }
            }

            public void Dispose() => _listener.Stop();
        }

        private readonly StopwatchClock _clock = new StopwatchClock();
        private readonly CapturingSerial _console = new CapturingSerial(1 << 20);
        private readonly SocketTcpConnection _tcp = new SocketTcpConnection(sendBufferSize: 4096);
        private readonly WebSocketClient _client;

        public RealServerTests()
        {
            _client = new WebSocketClient(_tcp, _clock, new XorShiftRandom((uint)Environment.TickCount | 1), new Logger(_clock, _console, 200),
                96 * 1024, 96 * 1024 + WebSocketClient.ReceiveOverhead, 100 * 1024);
        }

        private long Now => _clock.UptimeMicroseconds / 1000;

        // Polls like the owner task would (every millisecond here) until `until` says so.
        private WebSocketEvents PollUntil(Func<WebSocketEvents, bool> until, Action<string> onMessage = null, int timeoutMilliseconds = 10000)
        {
            var watch = Stopwatch.StartNew();
            WebSocketEvents seen = WebSocketEvents.None;
            while (watch.ElapsedMilliseconds < timeoutMilliseconds)
            {
                WebSocketEvents events = _client.Poll(Now);
                seen |= events;
                if ((events & WebSocketEvents.MessageReceived) != 0 && _client.TryTakeMessage(out ReadOnlySpan<byte> text))
                    onMessage?.Invoke(Encoding.UTF8.GetString(text));
                if (until(seen)) return seen;
                Thread.Sleep(1);
            }
            Assert.Fail("timed out waiting; events " + seen + ", state " + _client.State + ", log:\n" + _console.Text);
            return seen;
        }

        private string Echo(string message)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(message);
            Assert.True(_client.CanSend(bytes.Length));
            Assert.True(_client.SendText(bytes));
            string echoed = null;
            PollUntil(_ => echoed != null, m => echoed = m);
            return echoed;
        }

        private void OpenTo(EchoServer server)
        {
            Assert.True(_client.Open("127.0.0.1"u8, server.Port, "/ocpp/CP001"u8, "ocpp1.6"u8, "CP001"u8, "0123456789abcdef"u8));
            PollUntil(e => (e & (WebSocketEvents.Opened | WebSocketEvents.Closed)) != 0);
            Assert.True(_client.State == WebSocketState.Open, _console.Text);
        }

        [Fact]
        public async Task Against_dotnets_websocket_server_it_echoes_messages_large_ones_pings_and_closes_cleanly()
        {
            using var server = new EchoServer();
            OpenTo(server);
            Assert.Contains("GET /ocpp/CP001 HTTP/1.1\r\n", server.Request);
            Assert.Contains("\r\nAuthorization: Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("CP001:0123456789abcdef")) + "\r\n", server.Request);

            foreach (string message in new[] { "[2,\"1\",\"BootNotification\",{\"chargePointVendor\":\"SharpCharge\"}]", "", "Zähler € 𝄞", new string('m', 126) })
                Assert.Equal(message, Echo(message));

            // 60 KiB (16-bit length form) and 70000 bytes (64-bit form), through a 4 KiB socket send buffer.
            string large = new string(Enumerable.Range(0, 60 * 1024).Select(i => (char)('A' + i % 53 % 26)).ToArray());
            Assert.Equal(large, Echo(large));
            string larger = new string(Enumerable.Range(0, 70000).Select(i => (char)('a' + i % 7)).ToArray());
            Assert.Equal(larger, Echo(larger));
            Assert.True(_tcp.ShortSends > 0, "the socket never pushed back");

            Assert.True(_client.SendPing());
            PollUntil(e => (e & WebSocketEvents.PongReceived) != 0);
            Assert.True(_client.LastPongMilliseconds >= _client.LastPingMilliseconds);

            Assert.True(_client.Close(WebSocketCloseCode.Normal, "bye"u8));
            WebSocketEvents end = PollUntil(e => (e & WebSocketEvents.Closed) != 0);
            Assert.True(end.HasFlag(WebSocketEvents.Closed) && !end.HasFlag(WebSocketEvents.Failed), _console.Text);
            Assert.Equal(WebSocketFailure.None, _client.Failure);
            Assert.Equal(1000, _client.CloseCode);
            Assert.Same(server.Done, await Task.WhenAny(server.Done, Task.Delay(5000)));
            Assert.Null(server.Error);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, server.CloseStatus);
            Assert.Equal("bye", server.CloseDescription);
            Assert.Equal(6, server.Received.Count);
        }

        [Fact]
        public async Task Against_dotnets_websocket_server_its_keep_alive_pings_are_answered_and_its_close_is_echoed()
        {
            // The server pings every 100 ms and gives up on the connection if a pong is 500 ms late.
            using var server = new EchoServer(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
            OpenTo(server);
            var idle = Stopwatch.StartNew();
            PollUntil(_ => idle.ElapsedMilliseconds > 1200);
            Assert.Equal(WebSocketState.Open, _client.State);
            Assert.Equal("still here", Echo("still here"));

            Assert.True(_client.SendText("close me"u8));
            WebSocketEvents end = PollUntil(e => (e & WebSocketEvents.Closed) != 0);
            Assert.False(end.HasFlag(WebSocketEvents.Failed), _console.Text);
            Assert.Equal(1001, _client.CloseCode);
            Assert.Equal("restart", Encoding.UTF8.GetString(_client.CloseReason));
            Assert.Contains("<inf> websocket: server closed with 1001 restart\r\n", _console.Text);
            Assert.Same(server.Done, await Task.WhenAny(server.Done, Task.Delay(5000)));
            Assert.Null(server.Error);
        }
    }
}
