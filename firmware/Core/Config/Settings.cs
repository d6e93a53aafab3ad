using System;

namespace ChargePoint.Core.Config
{
    // The network and central-system settings in effect. Every text field has a buffer of its
    // maximum length, made with the object (boot), so that parsing and copying never allocate.
    // Only ConfigText writes the fields: everything in here has passed its checks.
    public sealed class Settings
    {
        public const int MaxSntpServerLength = HostName.MaxLength;
        public const int MaxCsUrlLength = WsUrl.MaxLength;
        // OCPP 1.6 security whitepaper: the Charge Point identity is at most 48 characters.
        public const int MaxChargePointIdLength = 48;
        // The password itself (ConfigText turns the hex form into these bytes).
        public const int MaxPasswordLength = 20;
        public const ushort DefaultDnsPort = 53;
        public const ushort DefaultSntpPort = 123; // RFC 4330

        private readonly byte[] _sntpServer = new byte[MaxSntpServerLength];
        private readonly byte[] _csUrl = new byte[MaxCsUrlLength];
        private readonly byte[] _chargePointId = new byte[MaxChargePointIdLength];
        private readonly byte[] _password = new byte[MaxPasswordLength];
        private int _sntpServerLength;
        private int _csUrlLength;
        private WsUrl _csUrlParts;
        private int _chargePointIdLength;
        private int _passwordLength;

        public Settings() { Reset(); }

        public ConfigSource Source { get; internal set; }

        // Addresses are a.b.c.d as (a<<24)|(b<<16)|(c<<8)|d; 0 when not set.
        public bool UseDhcp { get; internal set; }
        public uint Address { get; internal set; }
        public uint Netmask { get; internal set; }
        public uint Gateway { get; internal set; }

        public bool DnsFromDhcp { get; internal set; }
        public uint DnsServer { get; internal set; }
        public ushort DnsPort { get; internal set; }

        // A host name or dotted IPv4 address (Ipv4.TryParse tells which); empty when not set.
        public ReadOnlySpan<byte> SntpServer => new ReadOnlySpan<byte>(_sntpServer, 0, _sntpServerLength);
        public ushort SntpPort { get; internal set; }

        // ws://host[:port]/path, and its parts; all empty (port 0) when not set.
        public ReadOnlySpan<byte> CsUrl => new ReadOnlySpan<byte>(_csUrl, 0, _csUrlLength);
        public ReadOnlySpan<byte> CsHost => _csUrlParts.Host(CsUrl);
        public ushort CsPort => _csUrlParts.Port;
        public ReadOnlySpan<byte> CsPath => _csUrlParts.Path(CsUrl);

        public ReadOnlySpan<byte> ChargePointId => new ReadOnlySpan<byte>(_chargePointId, 0, _chargePointIdLength);

        // The HTTP basic-auth password as sent (hex already decoded); empty: no authentication.
        public ReadOnlySpan<byte> Password => new ReadOnlySpan<byte>(_password, 0, _passwordLength);

        // The seed's demo session: on or off, seconds from BootNotification accepted to Authorize,
        // and seconds of charging before the stop (tests shorten them).
        public const int DefaultDemoAuthorizeSeconds = 10;
        public const int DefaultDemoChargeSeconds = 50;
        public bool DemoEnabled { get; internal set; }
        public int DemoAuthorizeSeconds { get; internal set; }
        public int DemoChargeSeconds { get; internal set; }

        // The charging-session stream (SessionLog): the console's timestamp before each event line,
        // high-rate samples per second per charging connector (0: none), and seconds between the
        // meter readings of a charging connector.
        public const int DefaultUsbLogMeterSeconds = 1;
        public bool UsbLogTimestamps { get; internal set; }
        public int UsbLogHighRateHz { get; internal set; }
        public int UsbLogMeterSeconds { get; internal set; }

        // What a board starts from before its defaults: DHCP for address and DNS, standard ports,
        // no servers, no identity.
        public void Reset()
        {
            Source = ConfigSource.Defaults;
            UseDhcp = true;
            Address = 0;
            Netmask = 0;
            Gateway = 0;
            DnsFromDhcp = true;
            DnsServer = 0;
            DnsPort = DefaultDnsPort;
            _sntpServerLength = 0;
            SntpPort = DefaultSntpPort;
            _csUrlLength = 0;
            _csUrlParts = default;
            _chargePointIdLength = 0;
            _passwordLength = 0;
            DemoEnabled = true;
            DemoAuthorizeSeconds = DefaultDemoAuthorizeSeconds;
            DemoChargeSeconds = DefaultDemoChargeSeconds;
            UsbLogTimestamps = false;
            UsbLogHighRateHz = 0;
            UsbLogMeterSeconds = DefaultUsbLogMeterSeconds;
        }

        public void CopyFrom(Settings other)
        {
            Source = other.Source;
            UseDhcp = other.UseDhcp;
            Address = other.Address;
            Netmask = other.Netmask;
            Gateway = other.Gateway;
            DnsFromDhcp = other.DnsFromDhcp;
            DnsServer = other.DnsServer;
            DnsPort = other.DnsPort;
            SetSntpServer(other.SntpServer);
            SntpPort = other.SntpPort;
            SetCsUrl(other.CsUrl, other._csUrlParts);
            SetChargePointId(other.ChargePointId);
            SetPassword(other.Password);
            DemoEnabled = other.DemoEnabled;
            DemoAuthorizeSeconds = other.DemoAuthorizeSeconds;
            DemoChargeSeconds = other.DemoChargeSeconds;
            UsbLogTimestamps = other.UsbLogTimestamps;
            UsbLogHighRateHz = other.UsbLogHighRateHz;
            UsbLogMeterSeconds = other.UsbLogMeterSeconds;
        }

        // The setters take checked values: a longer one is a broken contract (index out of range).
        internal void SetSntpServer(ReadOnlySpan<byte> host) => _sntpServerLength = CopyIn(host, _sntpServer);

        internal void SetCsUrl(ReadOnlySpan<byte> url, WsUrl parts)
        {
            _csUrlLength = CopyIn(url, _csUrl);
            _csUrlParts = parts;
        }

        internal void SetChargePointId(ReadOnlySpan<byte> id) => _chargePointIdLength = CopyIn(id, _chargePointId);

        internal void SetPassword(ReadOnlySpan<byte> password) => _passwordLength = CopyIn(password, _password);

        private static int CopyIn(ReadOnlySpan<byte> value, byte[] buffer)
        {
            value.CopyTo(new Span<byte>(buffer, 0, value.Length));
            return value.Length;
        }
    }
}
