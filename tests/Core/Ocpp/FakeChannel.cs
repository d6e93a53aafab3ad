using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core.Ocpp.Rpc;

namespace ChargePoint.Tests.Core.Ocpp
{
    // An IMessageChannel without a WebSocket: keeps every text message sent, with the uptime it went
    // out at, and can be closed (IsOpen) or made to refuse sends (RefuseSends: a full send buffer).
    // With Record off it keeps only the last message, in a buffer made up front, so that sending
    // allocates nothing (the zero-allocation tests).
    public sealed class FakeChannel : IMessageChannel
    {
        private readonly FakeClock _clock;
        private readonly byte[] _last;
        private int _lastLength;

        public FakeChannel(FakeClock clock, int capacity = 16384)
        {
            _clock = clock;
            _last = new byte[capacity];
        }

        public bool IsOpen { get; set; } = true;
        public bool RefuseSends { get; set; }
        public bool Record { get; set; } = true;

        public List<SentFrame> Sent { get; } = new List<SentFrame>();
        public int SendCount { get; private set; }
        public int Refused { get; private set; }
        public ReadOnlySpan<byte> Last => new ReadOnlySpan<byte>(_last, 0, _lastLength);

        public bool CanSend(int length) => IsOpen && !RefuseSends && length <= _last.Length;

        public bool SendText(ReadOnlySpan<byte> message)
        {
            if (!CanSend(message.Length))
            {
                Refused++;
                return false;
            }
            message.CopyTo(_last);
            _lastLength = message.Length;
            SendCount++;
            if (Record) Sent.Add(new SentFrame(Encoding.UTF8.GetString(message), _clock.UptimeMicroseconds / 1000));
            return true;
        }
    }
}
