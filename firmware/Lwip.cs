using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ChargePoint
{
    // The C side of the lwIP binding (native/net_glue.c), called directly (see Drivers/Native.cs
    // for how). Addresses cross in lwIP's form: network byte order in a u32.
    internal static unsafe class Lwip
    {
        [StructLayout(LayoutKind.Sequential)]
        public struct Info
        {
            public uint Address, Netmask, Gateway, Dns;
            public uint LeaseSeconds, RenewSeconds, RebindSeconds;
            public int DhcpState;
            public int LinkUp;
            public uint TxDrops, RxDrops;
        }

        public const int DhcpBound = 10;   // lwIP prot/dhcp.h DHCP_STATE_BOUND
        public const int DhcpRenewing = 5; // DHCP_STATE_RENEWING
        public const int DhcpRebinding = 4; // DHCP_STATE_REBINDING
        public const uint NoTimer = 0xFFFFFFFF; // sys_timeouts_sleeptime(): no timeout pending

        // native/net_glue.c's numbering (EVENT_*).
        public const int EventConnected = 1, EventReceived = 2, EventSent = 3, EventPeerClosed = 4, EventError = 5;
        // lwIP err_t values (lwip/err.h) that mean something to a caller.
        public const int ErrMem = -1, ErrTimeout = -3, ErrRoute = -4, ErrArg = -16, ErrAbort = -13, ErrReset = -14, ErrClosed = -15, ErrConn = -11;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_init")]
        public static extern void Init(byte* mac, byte* hostname);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_seed_random")]
        public static extern void SeedRandom(uint seed);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_set_link")]
        public static extern void SetLink(int up);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_input")]
        public static extern int Input(byte* frame, int length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_start_dhcp")]
        public static extern void StartDhcp();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_set_static")]
        public static extern void SetStatic(uint address, uint netmask, uint gateway);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_set_dns")]
        public static extern void SetDns(uint server, ushort port);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_poll_timers")]
        public static extern uint PollTimers();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_get_info")]
        public static extern void GetInfo(Info* info);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_get_pool")]
        public static extern int GetPool(int index, byte** name, uint* used, uint* max, uint* available, uint* errors);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_dns_lookup")]
        public static extern int DnsLookup(int slot, byte* name, int length, uint* address);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_sntp_start")]
        public static extern void SntpStart(byte* server, int length, ushort port);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_tcp_open")]
        public static extern int TcpOpen(int slot, uint address, ushort port);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_tcp_write")]
        public static extern int TcpWrite(int slot, byte* data, int length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_tcp_read")]
        public static extern int TcpRead(int slot, byte* destination, int length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_tcp_available")]
        public static extern int TcpAvailable(int slot);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_tcp_unsent")]
        public static extern int TcpUnsent(int slot);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "net_tcp_close")]
        public static extern void TcpClose(int slot, int abort);

        // a.b.c.d as (a << 24) | ... <-> lwIP's network-order u32 (a in the lowest byte here).
        public static uint FromHostOrder(uint value) =>
            (value >> 24) | ((value >> 8) & 0xFF00) | ((value << 8) & 0xFF0000) | (value << 24);

        public static uint ToHostOrder(uint value) => FromHostOrder(value);
    }
}
