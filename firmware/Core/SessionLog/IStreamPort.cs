using System;

namespace ChargePoint.Core.SessionLog
{
    // Where the charging-session stream goes: USB CDC-ACM on the board, UART1 under QEMU.
    public interface IStreamPort
    {
        // A host holds the port open (CDC-ACM: DTR set with SET_CONTROL_LINE_STATE); a UART: always.
        bool IsOpen { get; }

        // Takes as many bytes as fit now (0 when none fit or the port is closed) and returns how
        // many it took. Never blocks, never allocates.
        int Write(ReadOnlySpan<byte> data);
    }
}
