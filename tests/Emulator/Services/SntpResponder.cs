using System;
using System.Buffers.Binary;
using System.Threading;

namespace ChargePoint.Tests.Emulator.Services
{
    // An SNTP server (RFC 4330; packet of RFC 5905) on 127.0.0.1 at an OS-chosen port. It answers
    // each client request (mode 3, at least 48 bytes) with a 48-byte server reply (mode 4):
    // leap indicator 0, the request's version, stratum 1, reference id "LOCL", originate = the
    // request's transmit timestamp, reference/receive/transmit = the time the test chose.
    // Anything else is ignored. Silent = true reads and counts requests but answers none (to
    // provoke the firmware's "no answer" path).
    //
    //   using var sntp = new SntpResponder(1707890823);   // 2024-02-14 06:07:03 UTC
    //   ... firmware asks 10.0.2.2:sntp.Port ...
    //   Assert.True(sntp.WaitForRequests(1, TimeSpan.FromSeconds(20)));
    public sealed class SntpResponder : UdpService
    {
        public const int PacketLength = 48;
        public const int ClientMode = 3;
        public const int ServerMode = 4;
        public const byte Stratum = 1;
        public const string ReferenceId = "LOCL";
        // Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
        public const long NtpToUnixSeconds = 2208988800;

        private long _unixSeconds;
        private int _requests;
        private byte[] _lastRequest;

        public SntpResponder(long unixSeconds, bool silent = false) : base("sntp")
        {
            _unixSeconds = unixSeconds;
            Silent = silent;
            Start();
        }

        // The time every reply carries (Unix seconds; fraction 0). May change while running.
        public long UnixSeconds
        {
            get => Interlocked.Read(ref _unixSeconds);
            set => Interlocked.Exchange(ref _unixSeconds, value);
        }

        // Client requests (mode 3) received so far, answered or not (Silent).
        public int Requests
        {
            get { lock (Gate) return _requests; }
        }

        // A copy of the last client request, or null before the first.
        public byte[] LastRequest
        {
            get { lock (Gate) return (byte[])_lastRequest?.Clone(); }
        }

        // Waits until at least `count` client requests arrived; false if the timeout passed first.
        public bool WaitForRequests(int count, TimeSpan timeout) => WaitUntil(() => _requests >= count, timeout);

        // NTP 64-bit timestamp (seconds since 1900 in the high word, era-wrapped; fraction 0) for Unix seconds.
        public static ulong NtpTimestamp(long unixSeconds) => (ulong)(uint)(unixSeconds + NtpToUnixSeconds) << 32;

        protected override byte[] Answer(ReadOnlySpan<byte> request)
        {
            if (request.Length < PacketLength || (request[0] & 0x07) != ClientMode) return null;
            lock (Gate)
            {
                _requests++;
                _lastRequest = request.ToArray();
                Monitor.PulseAll(Gate);
            }

            var reply = new byte[PacketLength];
            int version = (request[0] >> 3) & 0x07;
            reply[0] = (byte)((version << 3) | ServerMode);   // leap indicator 0
            reply[1] = Stratum;
            reply[2] = request[2];            // poll: the client's
            reply[3] = unchecked((byte)-20);  // precision: about a microsecond
            // Root delay (4..7) and root dispersion (8..11) stay 0: this is the reference clock.
            for (int i = 0; i < 4; i++) reply[12 + i] = (byte)ReferenceId[i];
            ulong now = NtpTimestamp(UnixSeconds);
            BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(16), now);     // reference
            request.Slice(40, 8).CopyTo(reply.AsSpan(24));                    // originate = request's transmit
            BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(32), now);     // receive
            BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(40), now);     // transmit
            return reply;
        }
    }
}
