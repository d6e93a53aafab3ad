using System;

namespace ChargePoint.Core.Net
{
    // What happened on a connection since the owner last asked (TakeEvents). The connection
    // signals its owner's task for each; the owner reads them all at once.
    [Flags]
    public enum TcpEvents
    {
        None = 0,
        Connected = 1,
        Received = 2,      // bytes are waiting: Receive them
        Writable = 4,      // the peer acknowledged data: there is room to Send again
        ClosedByPeer = 8,  // FIN from the peer
        Error = 16,        // reset, refused, unreachable, or a name that did not resolve (LastError)
        TimedOut = 32,     // Connect did not complete within its time
    }
}
