using ChargePoint.Core;

namespace ChargePoint.Boards
{
    // What Program needs from a board: its name, its clock, and the drivers that fill each role.
    public interface IBoard
    {
        // As Zephyr names the board in "OCPP sample <board>".
        string Name { get; }
        uint CoreClockHz { get; }
        ISerialOut Console { get; }
        IClock Clock { get; }

        // Clocks, pins, console and the millisecond tick. Runs first, at boot.
        void Initialize();
    }
}
