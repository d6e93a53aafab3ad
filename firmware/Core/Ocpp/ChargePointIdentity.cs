using System;

namespace ChargePoint.Core.Ocpp
{
    // What BootNotification.req tells about the charge point (OCPP 1.6 6.2). u8 literals: flash.
    public sealed class ChargePointIdentity
    {
        public ChargePointIdentity(ReadOnlySpan<byte> vendor, ReadOnlySpan<byte> model, ReadOnlySpan<byte> firmwareVersion)
        {
            Vendor = vendor.ToArray();
            Model = model.ToArray();
            FirmwareVersion = firmwareVersion.ToArray();
        }

        public byte[] Vendor { get; }          // CiString20
        public byte[] Model { get; }           // CiString20
        public byte[] FirmwareVersion { get; } // CiString50
        public byte[] SerialNumber { get; set; } = new byte[0]; // CiString25, optional
    }
}
