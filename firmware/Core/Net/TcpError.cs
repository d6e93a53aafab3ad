namespace ChargePoint.Core.Net
{
    public enum TcpError
    {
        None,
        NameNotFound,   // DNS answered that the host does not exist, or did not answer
        BadHost,        // not a host name or address
        Refused,        // the peer answered the SYN with a reset
        Reset,          // the peer reset an open connection
        Aborted,        // the stack gave the connection up (retransmissions ran out)
        Timeout,        // Connect's time ran out
        NoMemory,       // no connection or buffer free in the stack
        NotConnected,
        Other,
    }
}
