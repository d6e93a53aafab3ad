using System;

namespace ChargePoint.Core.Ocpp
{
    // A vendor-specific extension (OCPP 1.6 3.12, 5.6 / 4.3 DataTransfer): answers the central
    // system's DataTransfer.req for one vendorId. Registered at boot with
    // OcppChargePoint.AddDataTransferHandler; none is by default, so every vendorId is
    // UnknownVendorId.
    public interface IDataTransferHandler
    {
        // The vendorId this handler implements (a CiString255, matched without regard to ASCII case).
        ReadOnlySpan<byte> VendorId { get; }

        // `messageId` and `data` are empty when the request has none. Writes the answer's data
        // into `reply` (its length in `replyLength`; 0: the answer has no data) and returns the
        // status: UnknownMessageId for a messageId it does not know (4.3), Accepted or Rejected
        // as the vendor's agreement says.
        DataTransferStatus Handle(ReadOnlySpan<byte> messageId, ReadOnlySpan<byte> data, Span<byte> reply, out int replyLength);
    }
}
