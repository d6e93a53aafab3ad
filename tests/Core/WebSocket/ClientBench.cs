using System;
using System.Text;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;
using ChargePoint.Core.WebSocket;
using ChargePoint.Tests.Core.Net;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    // One client on a fake connection with a scripted server, a fake clock and a captured log:
    // what every client test starts from.
    public sealed class ClientBench
    {
        public readonly FakeClock Clock = new FakeClock();
        public readonly CapturingSerial Console = new CapturingSerial(1 << 20);
        public readonly Logger Log;
        public readonly FakeTcpConnection Tcp;
        public readonly ScriptedServer Server;
        public readonly WebSocketClient Client;

        public ClientBench(int maxMessage = 4096, int receiveBuffer = 0, int sendBuffer = 8192, int sendWindow = 1 << 17,
            long handshakeTimeout = 10000, long closeTimeout = 5000, int maxResponse = 4096)
        {
            Log = new Logger(Clock, Console, 200);
            Tcp = new FakeTcpConnection(sendWindow: sendWindow, receiveCapacity: 1 << 18);
            Server = new ScriptedServer(Tcp);
            Client = new WebSocketClient(Tcp, Clock, new XorShiftRandom(12345), Log, maxMessage,
                receiveBuffer > 0 ? receiveBuffer : maxMessage + WebSocketClient.ReceiveOverhead, sendBuffer,
                handshakeTimeout, closeTimeout, maxResponse);
        }

        public long Now => Clock.UptimeMicroseconds / 1000;
        public string Text => Console.Text;

        public WebSocketEvents Poll() => Client.Poll(Now);

        // Open with the board's usual arguments, TCP accepted, handshake sent (not answered).
        public void Connect(string password = "")
        {
            Assert.True(Client.Open("10.0.2.2"u8, 8180, "/steve/websocket/CentralSystemService/CP001"u8, "ocpp1.6"u8,
                "CP001"u8, Encoding.ASCII.GetBytes(password)));
            Assert.Equal(WebSocketState.Connecting, Client.State);
            Tcp.Accept();
            Assert.Equal(WebSocketEvents.None, Poll());
            Assert.Equal(WebSocketState.Handshaking, Client.State);
            // A send window smaller than the request takes a few rounds.
            for (int round = 0; round < 100 && Tcp.Unacknowledged > 0; round++)
            {
                Server.Pump();
                Assert.Equal(WebSocketEvents.None, Poll());
            }
        }

        // Connected and open.
        public void Open()
        {
            Connect();
            Server.Accept();
            Assert.Equal(WebSocketEvents.Opened, Poll());
            Assert.Equal(WebSocketState.Open, Client.State);
        }

        // Polls once and returns the message it reports.
        public string Receive()
        {
            WebSocketEvents events = Poll();
            Assert.True((events & WebSocketEvents.MessageReceived) != 0, "no message; events " + events + ", log:\n" + Text);
            Assert.True(Client.TryTakeMessage(out ReadOnlySpan<byte> text));
            return Encoding.UTF8.GetString(text);
        }

        // After a protocol failure: the client's close frame with `code`, then (once the server
        // has it) the TCP close, reported as Closed | Failed.
        public void ExpectFailedWith(int code, WebSocketFailure failure)
        {
            Assert.Equal(WebSocketState.Closing, Client.State);
            ClientFrame close = Server.ExpectFrame();
            Assert.Equal(0x8, close.Opcode);
            Assert.Equal(code, close.CloseCode);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, Poll() & (WebSocketEvents.Closed | WebSocketEvents.Failed));
            Assert.Equal(WebSocketState.Closed, Client.State);
            Assert.Equal(failure, Client.Failure);
            Assert.Equal(code, Client.CloseCode);
            Assert.Equal(TcpState.Closed, Tcp.State);
        }
    }
}
