using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Config
{
    // The effective configuration as command-reply lines in the block's key=value form, the
    // password masked and unset values shown as (none), after a line saying where it came from.
    public static class ConfigPrinter
    {
        public static void Print(Settings s, Logger reply)
        {
            reply.BeginText().Append("# source: "u8).Append(SourceText(s.Source)).End();
            if (s.UseDhcp)
            {
                reply.BeginText().Append("ip=dhcp"u8).End();
            }
            else
            {
                Address(reply, "ip="u8, s.Address);
                Address(reply, "netmask="u8, s.Netmask);
                Address(reply, "gateway="u8, s.Gateway);
            }
            if (s.DnsFromDhcp) reply.BeginText().Append("dns=auto"u8).End();
            else Address(reply, "dns="u8, s.DnsServer);
            reply.BeginText().Append("dns_port="u8).Append(s.DnsPort).End();
            Text(reply, "sntp="u8, s.SntpServer);
            reply.BeginText().Append("sntp_port="u8).Append(s.SntpPort).End();
            Text(reply, "cs_url="u8, s.CsUrl);
            Text(reply, "cp_id="u8, s.ChargePointId);
            reply.BeginText().Append("password="u8).Append(s.Password.IsEmpty ? "(none)"u8 : "********"u8).End();
            reply.BeginText().Append("demo="u8).Append(s.DemoEnabled ? "on"u8 : "off"u8).End();
            reply.BeginText().Append("demo_auth_s="u8).Append(s.DemoAuthorizeSeconds).End();
            reply.BeginText().Append("demo_charge_s="u8).Append(s.DemoChargeSeconds).End();
            reply.BeginText().Append("usblog_ts="u8).Append(s.UsbLogTimestamps ? "on"u8 : "off"u8).End();
            reply.BeginText().Append("usblog_hz="u8).Append(s.UsbLogHighRateHz).End();
            reply.BeginText().Append("usblog_meter_s="u8).Append(s.UsbLogMeterSeconds).End();
        }

        private static ReadOnlySpan<byte> SourceText(ConfigSource source)
        {
            switch (source)
            {
                case ConfigSource.Block: return "config block over the board defaults"u8;
                case ConfigSource.DefaultsAfterError: return "board defaults after an error (see the boot log)"u8;
                default: return "board defaults (no config block)"u8;
            }
        }

        private static void Address(Logger reply, ReadOnlySpan<byte> key, uint address)
        {
            Span<byte> text = stackalloc byte[Ipv4.MaxTextLength];
            int length = Ipv4.Format(address, text);
            reply.BeginText().Append(key).Append(text.Slice(0, length)).End();
        }

        private static void Text(Logger reply, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
            reply.BeginText().Append(key).Append(value.IsEmpty ? "(none)"u8 : value).End();
    }
}
