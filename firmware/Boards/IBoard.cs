using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;
using ChargePoint.Core.Storage;
using ChargePoint.Drivers;

namespace ChargePoint.Boards
{
    // What Program needs from a board: its name, its clock, and the drivers that fill each role.
    public interface IBoard
    {
        // As Zephyr names the board in "OCPP sample <board>" (a u8 literal: it stays in flash).
        ReadOnlySpan<byte> Name { get; }
        uint CoreClockHz { get; }
        IConsoleUart Console { get; }

        // Microseconds since boot from a free-running hardware counter (not SysTick interpolation).
        IClock Clock { get; }

        // The Ethernet controller (valid after Initialize; started by EnableNetwork).
        INetworkLink Network { get; }

        // The configuration block (ChargePoint.Core.Config): where it lives, and the board's
        // defaults in the block's own key=value text (used when the block is absent or invalid).
        uint ConfigBlockAddress { get; }
        ReadOnlySpan<byte> ConfigDefaults { get; }

        // Boot: the two regions the OCPP configuration records alternate between (RecordLog).
        void CreateRecordStorage(out IRecordStorage first, out IRecordStorage second);

        // Clocks, pins, console and the millisecond tick. Runs first, at boot.
        void Initialize();

        // From now on every byte typed at the console goes, from its interrupt, into `received`,
        // and the interrupt signals task `taskId`.
        void EnableConsoleInput(ByteRing received, Scheduler scheduler, int taskId);

        // Boot: start the Ethernet controller (reset, MAC, buffers) and its interrupt, which
        // signals task `taskId` for every received frame and link change.
        void EnableNetwork(Scheduler scheduler, int taskId);

        // Boot: the port the charging-session stream goes out of (USB CDC-ACM on the board, UART1
        // under QEMU), started. A board whose port needs a task of its own adds it to `scheduler`.
        // A port that could not start is still returned (never open: the stream's ring keeps the
        // latest lines) and `failure` says why; empty when it started.
        IStreamPort EnableSessionPort(Scheduler scheduler, out ReadOnlySpan<byte> failure);
    }
}
