using System;

namespace ChargePoint.Core.Net
{
    // One TCP client connection, as Core sees it (no lwIP). Made at boot by the network binding
    // for one owner task; every event signals that task. Nothing here blocks or allocates.
    public interface ITcpConnection
    {
        TcpState State { get; }
        TcpError LastError { get; }

        // The peer's IPv4 address once resolved, as a.b.c.d = (a << 24) | ... ; 0 before.
        uint RemoteAddress { get; }

        // Starts resolving `host` (a name or a dotted IPv4 address) and connecting to `port`.
        // Connected, Error or TimedOut follows. False (and nothing starts) unless State is Closed.
        bool Connect(ReadOnlySpan<byte> host, ushort port, long timeoutMilliseconds);

        // Hands bytes to the stack and returns how many it took: possibly fewer than offered
        // (its send buffer is full: send the rest after Writable), never silently dropped.
        // -1 when not Connected.
        int Send(ReadOnlySpan<byte> data);

        // Copies received bytes into `destination`; returns the count (0: none waiting).
        int Receive(Span<byte> destination);

        // Received bytes waiting to be read.
        int Available { get; }

        // Bytes handed to Send that the peer has not acknowledged yet.
        int Unacknowledged { get; }

        // Closes (FIN; a reset if the stack cannot send one) and frees the connection: State is
        // Closed afterwards, unread bytes are gone.
        void Close();

        // The events since the last call, cleared.
        TcpEvents TakeEvents();
    }
}
