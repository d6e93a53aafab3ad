namespace ChargePoint.Core.Net
{
    // The interface's addresses and lease, as a.b.c.d = (a << 24) | (b << 16) | (c << 8) | d.
    public struct NetworkInfo
    {
        public bool LinkUp;
        public bool UsesDhcp;
        public bool HasAddress;
        public uint Address;
        public uint Netmask;
        public uint Gateway;
        public uint DnsServer;
        public uint LeaseSeconds;
    }
}
