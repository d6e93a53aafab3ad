using System;
using System.Runtime.InteropServices;
using ChargePoint.Core.Net;
using ChargePoint.Core.Scheduling;
using ChargePoint.Drivers;

namespace ChargePoint
{
    // The lwIP binding: frames between the driver and lwIP, lwIP's timers, and the C# receivers of
    // its callbacks (TCP connections, DNS answers, SNTP time). Everything is made at boot. lwIP's
    // callbacks arrive through the exports at the bottom, always from inside a call this task
    // made (net_input, net_poll_timers, a TCP call): never from an interrupt.
    public sealed unsafe class LwipStack
    {
        public const int TcpSlots = 2;      // native/net_glue.c NET_TCP_SLOTS
        public const int LookupSlot = 2;    // the DNS slot of lookups of our own (net_glue.c NET_DNS_SLOTS - 1)
        public const int FrameBytes = 1536; // one Ethernet frame, as the drivers' rings hold them

        public enum LookupState { Idle, Pending, Done, NotFound }

        private static LwipStack s_instance; // the exports' receiver (C callbacks carry no `this`)

        private readonly INetworkLink _link;
        private readonly Scheduler _scheduler;
        private readonly byte[] _frame = new byte[FrameBytes];
        private readonly LwipTcpConnection[] _connections = new LwipTcpConnection[TcpSlots];
        private int _connectionCount;
        private int _networkTask = -1;

        private LookupState _lookupState;
        private uint _lookupAddress;
        private int _lookupOwner = -1;

        private bool _sntpArrived;
        private uint _sntpSeconds, _sntpMicroseconds;
        private int _sntpOwner = -1;

        public ulong FramesIn, FramesOut, BytesIn, BytesOut, TcpBytesSent, TcpBytesReceived;
        public uint TransmitBusy;

        public LwipStack(INetworkLink link, Scheduler scheduler)
        {
            _link = link;
            _scheduler = scheduler;
            s_instance = this;
        }

        public INetworkLink Link => _link;

        // Boot, after the driver started: lwIP up with the link's MAC address.
        public void Start(int networkTask, ReadOnlySpan<byte> hostname)
        {
            _networkTask = networkTask;
            ReadOnlySpan<byte> mac = _link.MacAddress;
            Span<byte> name = stackalloc byte[33];
            int length = Math.Min(hostname.Length, name.Length - 1);
            hostname.Slice(0, length).CopyTo(name);
            name[length] = 0;
            fixed (byte* macBytes = mac)
            fixed (byte* nameBytes = name)
                Lwip.Init(macBytes, nameBytes);
            uint seed = 0;
            for (int i = 0; i < mac.Length; i++) seed = seed * 31 + mac[i];
            Lwip.SeedRandom(seed);
        }

        // Boot only: a connection; BindOwner names the task its events wake.
        public LwipTcpConnection CreateConnection()
        {
            if (_connectionCount == TcpSlots) return null;
            var connection = new LwipTcpConnection(this, _connectionCount, _scheduler);
            _connections[_connectionCount++] = connection;
            return connection;
        }

        internal void WakeNetworkTask()
        {
            if (_networkTask >= 0) _scheduler.Signal(_networkTask);
        }

        // ---- the network task's work ------------------------------------------------------------
        // Every waiting frame into lwIP; returns how many.
        public int PumpReceived()
        {
            int frames = 0;
            int length;
            while ((length = _link.Receive(_frame)) > 0)
            {
                FramesIn++;
                BytesIn += (ulong)length;
                fixed (byte* bytes = _frame) Lwip.Input(bytes, length);
                frames++;
            }
            return frames;
        }

        // lwIP's due timers, then the connections' Connect deadlines; returns the milliseconds
        // until something is due again.
        public long RunTimers(long nowMilliseconds)
        {
            uint lwipDue = Lwip.PollTimers();
            long next = lwipDue == Lwip.NoTimer ? long.MaxValue : lwipDue;
            for (int i = 0; i < _connectionCount; i++)
            {
                _connections[i].CheckDeadline(nowMilliseconds);
                long deadline = _connections[i].Deadline;
                if (deadline != long.MaxValue) next = Math.Min(next, Math.Max(0, deadline - nowMilliseconds));
            }
            return next;
        }

        public void SetLink(bool up) => Lwip.SetLink(up ? 1 : 0);
        public void StartDhcp() => Lwip.StartDhcp();

        public void SetStaticAddress(uint address, uint netmask, uint gateway) =>
            Lwip.SetStatic(Lwip.FromHostOrder(address), Lwip.FromHostOrder(netmask), Lwip.FromHostOrder(gateway));

        public void SetDnsServer(uint server, ushort port) => Lwip.SetDns(Lwip.FromHostOrder(server), port);

        internal Lwip.Info ReadInfo()
        {
            Lwip.Info info;
            Lwip.GetInfo(&info);
            return info;
        }

        public NetworkInfo Info
        {
            get
            {
                Lwip.Info raw = ReadInfo();
                return new NetworkInfo
                {
                    LinkUp = raw.LinkUp != 0,
                    UsesDhcp = raw.DhcpState >= 0,
                    HasAddress = raw.Address != 0,
                    Address = Lwip.ToHostOrder(raw.Address),
                    Netmask = Lwip.ToHostOrder(raw.Netmask),
                    Gateway = Lwip.ToHostOrder(raw.Gateway),
                    DnsServer = Lwip.ToHostOrder(raw.Dns),
                    LeaseSeconds = raw.LeaseSeconds,
                };
            }
        }

        // lwIP pool `index` (0 = its heap): false past the last one. `name` is lwIP's C string.
        public bool ReadPool(int index, out byte* name, out uint used, out uint max, out uint available, out uint errors)
        {
            byte* n; uint u, m, a, e;
            int ok = Lwip.GetPool(index, &n, &u, &m, &a, &e);
            name = n; used = u; max = m; available = a; errors = e;
            return ok != 0;
        }

        // ---- DNS ------------------------------------------------------------------------------
        // 0: resolved now (address in host order); 1: pending (OnResolved follows); < 0: bad name.
        internal int Lookup(int slot, ReadOnlySpan<byte> name, out uint address)
        {
            uint raw = 0;
            int result;
            fixed (byte* bytes = name) result = Lwip.DnsLookup(slot, bytes, name.Length, &raw);
            address = Lwip.ToHostOrder(raw);
            return result;
        }

        // A lookup of our own (the boot probe of the central system's host, the shell): the answer
        // signals `ownerTask`; read it from LookupResult.
        public void StartLookup(ReadOnlySpan<byte> name, int ownerTask)
        {
            _lookupOwner = ownerTask;
            int result = Lookup(LookupSlot, name, out uint address);
            if (result == 0) Resolved(address, true);
            else if (result < 0) Resolved(0, false);
            else _lookupState = LookupState.Pending;
        }

        public LookupState LookupResult(out uint address)
        {
            address = _lookupAddress;
            return _lookupState;
        }

        private void Resolved(uint address, bool found)
        {
            _lookupAddress = address;
            _lookupState = found ? LookupState.Done : LookupState.NotFound;
            if (_lookupOwner >= 0) _scheduler.Signal(_lookupOwner);
        }

        // ---- SNTP -----------------------------------------------------------------------------
        public void StartSntp(ReadOnlySpan<byte> server, ushort port, int ownerTask)
        {
            _sntpOwner = ownerTask;
            fixed (byte* bytes = server) Lwip.SntpStart(bytes, server.Length, port);
        }

        // True once per answer from the SNTP server: UTC seconds since 1970 and microseconds.
        public bool TakeSntpTime(out uint seconds, out uint microseconds)
        {
            seconds = _sntpSeconds;
            microseconds = _sntpMicroseconds;
            bool arrived = _sntpArrived;
            _sntpArrived = false;
            return arrived;
        }

        internal void CountSent(int bytes) => TcpBytesSent += (ulong)bytes;
        internal void CountReceived(int bytes) => TcpBytesReceived += (ulong)bytes;

        // ---- lwIP -> C# ---------------------------------------------------------------------------
        [UnmanagedCallersOnly(EntryPoint = "firmware_net_transmit")]
        private static int OnTransmit(byte* frame, int length)
        {
            LwipStack stack = s_instance;
            if (!stack._link.Transmit(new ReadOnlySpan<byte>(frame, length)))
            {
                stack.TransmitBusy++;
                return 0;
            }
            stack.FramesOut++;
            stack.BytesOut += (ulong)length;
            return 1;
        }

        [UnmanagedCallersOnly(EntryPoint = "firmware_net_tcp_event")]
        private static void OnTcpEvent(int slot, int kind, int error)
        {
            LwipStack stack = s_instance;
            if (slot >= 0 && slot < stack._connectionCount) stack._connections[slot].OnEvent(kind, error);
        }

        [UnmanagedCallersOnly(EntryPoint = "firmware_net_dns_found")]
        private static void OnDnsFound(int slot, uint address, int found)
        {
            LwipStack stack = s_instance;
            uint hostOrder = Lwip.ToHostOrder(address);
            if (slot == LookupSlot) stack.Resolved(hostOrder, found != 0);
            else if (slot >= 0 && slot < stack._connectionCount) stack._connections[slot].OnResolved(hostOrder, found != 0);
        }

        [UnmanagedCallersOnly(EntryPoint = "firmware_net_sntp_time")]
        private static void OnSntpTime(uint seconds, uint microseconds)
        {
            LwipStack stack = s_instance;
            stack._sntpSeconds = seconds;
            stack._sntpMicroseconds = microseconds;
            stack._sntpArrived = true;
            if (stack._sntpOwner >= 0) stack._scheduler.Signal(stack._sntpOwner);
        }
    }
}
