using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
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
        IClock Clock { get; }

        // Clocks, pins, console and the millisecond tick. Runs first, at boot.
        void Initialize();

        // From now on every byte typed at the console goes, from its interrupt, into `received`.
        void EnableConsoleInput(ByteRing received);
    }
}
