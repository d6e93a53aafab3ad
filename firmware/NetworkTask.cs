using System;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Time;

namespace ChargePoint
{
    // The task that owns lwIP: frames from the driver's ring into the stack (woken by the NIC
    // interrupt), lwIP's timers, the link state, and the bring-up the Zephyr sample performs with
    // its console lines: a DHCP lease (or the static address), the central system's address, then
    // the time by SNTP. Lease changes afterwards (renewal, loss) and link changes are logged.
    public sealed class NetworkTask : ITask, INetworkStatus
    {
        public const long LinkPollMilliseconds = 1000;
        public const long SntpWaitMilliseconds = 5000;   // then a warning, and boot goes on
        public const long ResolveRetryMilliseconds = 10000;

        public enum Phase { WaitingForAddress, ResolvingCentralSystem, SettingTime, Ready }

        private readonly LwipStack _stack;
        private readonly Settings _settings;
        private readonly Logger _log;
        private readonly WallClock _wallClock;
        private readonly Scheduler _scheduler;
        private int _id = -1;
        private Phase _phase;
        private long _nextLinkPoll;
        private long _phaseDeadline = long.MaxValue;
        private bool _linkUp;
        private uint _address;
        private int _dhcpState = -1;
        private uint _centralSystemAddress;
        private bool _sntpWarned;

        public NetworkTask(LwipStack stack, Settings settings, WallClock wallClock, Scheduler scheduler, Logger log)
        {
            _stack = stack;
            _settings = settings;
            _wallClock = wallClock;
            _scheduler = scheduler;
            _log = log;
        }

        public ReadOnlySpan<byte> Name => "net"u8;
        public Phase State => _phase;
        public bool IsReady => _phase == Phase.Ready && _address != 0;
        public bool LinkUp => _linkUp;
        public uint CentralSystemAddress => _centralSystemAddress; // host order, 0 until resolved

        // Boot: lwIP up, the address configured; the first Run follows at once.
        public void Start(int id)
        {
            _id = id;
            _stack.Start(id, "sharpcharge"u8);
            if (_settings.UseDhcp) _stack.StartDhcp();
            else _stack.SetStaticAddress(_settings.Address, _settings.Netmask, _settings.Gateway);
            if (!_settings.DnsFromDhcp) _stack.SetDnsServer(_settings.DnsServer, _settings.DnsPort);
            // The first link state now, so its line belongs to the boot log.
            _stack.Link.PollLink();
            OnLinkChanged(_stack.Link.IsLinkUp);
            _nextLinkPoll = _scheduler.NowMilliseconds + LinkPollMilliseconds;
            _scheduler.Signal(id);
        }

        public void Run(long now)
        {
            _stack.PumpReceived();
            if (now >= _nextLinkPoll)
            {
                _nextLinkPoll = now + LinkPollMilliseconds;
                if (_stack.Link.PollLink() || _linkUp != _stack.Link.IsLinkUp) OnLinkChanged(_stack.Link.IsLinkUp);
            }
            long lwipDue = _stack.RunTimers(now);
            WatchAddress();
            Advance(now);
            // Frames that came in meanwhile signal us again; otherwise sleep until the next timer.
            long wake = Math.Min(lwipDue, _nextLinkPoll - now);
            if (_phaseDeadline != long.MaxValue) wake = Math.Min(wake, Math.Max(0, _phaseDeadline - now));
            _scheduler.WakeAfter(_id, Math.Max(1, wake));
        }

        private void OnLinkChanged(bool up)
        {
            _linkUp = up;
            _stack.SetLink(up);
            if (up) _log.Info("net"u8, "link up"u8);
            else _log.Warning("net"u8, "link down"u8);
        }

        // The address lwIP holds, compared with what we saw last: a new lease, a renewal, a loss.
        private void WatchAddress()
        {
            Lwip.Info info = _stack.ReadInfo();
            uint address = Lwip.ToHostOrder(info.Address);
            bool renewing = _dhcpState == Lwip.DhcpRenewing || _dhcpState == Lwip.DhcpRebinding;
            int previousState = _dhcpState;
            _dhcpState = info.DhcpState;
            if (address != 0 && _address == 0)
            {
                _address = address;
                OnAddress(info);
            }
            else if (address == 0 && _address != 0)
            {
                _log.Begin(LogLevel.Warning, "net_dhcpv4"u8).Append("lease lost for "u8).Append(Ip(_address)).End();
                _address = 0;
            }
            else if (address != 0 && renewing && info.DhcpState == Lwip.DhcpBound && previousState != Lwip.DhcpBound)
            {
                _log.Begin(LogLevel.Info, "net_dhcpv4"u8).Append("lease renewed: "u8).Append(Ip(address))
                    .Append(", "u8).Append(info.LeaseSeconds).Append(" seconds"u8).End();
                KeepConfiguredDns(info);
            }
        }

        private void OnAddress(Lwip.Info info)
        {
            bool dhcp = info.DhcpState >= 0;
            if (dhcp) _log.Begin(LogLevel.Info, "net_dhcpv4"u8).Append("Received: "u8).Append(Ip(_address)).End();
            _log.Info("main"u8, "net mgr cb"u8);
            _log.Begin(LogLevel.Info, "main"u8).Append("Your address: "u8).Append(Ip(_address)).End();
            if (dhcp) _log.Begin(LogLevel.Info, "main"u8).Append("Lease time: "u8).Append(info.LeaseSeconds).Append(" seconds"u8).End();
            _log.Begin(LogLevel.Info, "main"u8).Append("Subnet: "u8).Append(Ip(Lwip.ToHostOrder(info.Netmask))).End();
            _log.Begin(LogLevel.Info, "main"u8).Append("Router: "u8).Append(Ip(Lwip.ToHostOrder(info.Gateway))).End();
            KeepConfiguredDns(info);
            if (_phase == Phase.WaitingForAddress) EnterResolve();
        }

        // DHCP hands out a DNS server with every lease; a configured one (or port) wins.
        private void KeepConfiguredDns(Lwip.Info info)
        {
            if (!_settings.DnsFromDhcp) _stack.SetDnsServer(_settings.DnsServer, _settings.DnsPort);
            else _stack.SetDnsServer(Lwip.ToHostOrder(info.Dns), _settings.DnsPort);
        }

        private void EnterResolve()
        {
            _phase = Phase.ResolvingCentralSystem;
            _phaseDeadline = long.MaxValue;
            _stack.StartLookup(_settings.CsHost, _id);
        }

        private void Advance(long now)
        {
            if (_phase == Phase.ResolvingCentralSystem)
            {
                LwipStack.LookupState state = _stack.LookupResult(out uint address);
                if (state == LwipStack.LookupState.Done)
                {
                    _centralSystemAddress = address;
                    _log.Begin(LogLevel.Info, "main"u8).Append("cs server "u8).Append(Ip(address)).Append(" "u8).Append(_settings.CsPort).End();
                    _log.Begin(LogLevel.Info, "main"u8).Append("IPv4 Address "u8).Append(Ip(address)).End();
                    _phase = Phase.SettingTime;
                    _phaseDeadline = now + SntpWaitMilliseconds;
                    _stack.StartSntp(_settings.SntpServer, _settings.SntpPort, _id);
                }
                else if (state == LwipStack.LookupState.NotFound && _phaseDeadline == long.MaxValue)
                {
                    _log.Begin(LogLevel.Error, "main"u8).Append("cs server "u8).Append(_settings.CsHost)
                        .Append(" not found, retrying in "u8).Append(ResolveRetryMilliseconds / 1000).Append(" s"u8).End();
                    _phaseDeadline = now + ResolveRetryMilliseconds;
                }
                else if (state == LwipStack.LookupState.NotFound && now >= _phaseDeadline)
                {
                    EnterResolve();
                }
            }

            if (_stack.TakeSntpTime(out uint seconds, out uint microseconds))
            {
                _wallClock.Set(seconds, (int)microseconds, WallClock.Source.Sntp);
                if (_phase == Phase.SettingTime || _sntpWarned)
                    _log.Begin(LogLevel.Info, "main"u8).Append("sntp succ since Epoch: "u8).Append(seconds).End();
                _sntpWarned = false;
                if (_phase == Phase.SettingTime) EnterReady();
            }
            else if (_phase == Phase.SettingTime && now >= _phaseDeadline)
            {
                _log.Begin(LogLevel.Warning, "main"u8).Append("sntp: no answer from "u8).Append(_settings.SntpServer).Append(":"u8)
                    .Append(_settings.SntpPort).Append(" within "u8).Append(SntpWaitMilliseconds / 1000)
                    .Append(" s, going on without wall-clock time"u8).End();
                _sntpWarned = true;
                EnterReady();
            }
        }

        private void EnterReady()
        {
            _phase = Phase.Ready;
            _phaseDeadline = long.MaxValue;
        }

        // An address as text, for one Append (the span lives in this task's buffer until the next call).
        private readonly byte[] _ipText = new byte[Ipv4.MaxTextLength];
        private ReadOnlySpan<byte> Ip(uint address) => new ReadOnlySpan<byte>(_ipText, 0, Ipv4.Format(address, _ipText));
    }
}
