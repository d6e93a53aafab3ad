namespace ChargePoint.Core.Net
{
    public enum TcpState
    {
        Closed,      // free: Connect may start
        Resolving,   // looking the host name up
        Connecting,  // SYN sent
        Connected,
        PeerClosed,  // the peer sent FIN: what it sent before can still be read; Close to free
        Failed,      // reset, refused, unreachable, timed out or not found: LastError says; Close to free
    }
}
