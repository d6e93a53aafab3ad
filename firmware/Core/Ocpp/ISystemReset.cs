namespace ChargePoint.Core.Ocpp
{
    // Restarts the image (OCPP 1.6 5.14 Reset): the board's system reset, or a fake in tests.
    // `hard`: the central system asked for a Hard reset (restart the hardware), else Soft (restart
    // the application); a board with one way to restart uses it for both. Does not return on the
    // device.
    public interface ISystemReset
    {
        void Restart(bool hard);
    }
}
