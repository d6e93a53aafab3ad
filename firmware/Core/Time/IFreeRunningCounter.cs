namespace ChargePoint.Core.Time
{
    // A hardware counter that counts up at a fixed rate and wraps at 2^32 (a CMSDK timer read
    // backwards, the Cortex-M7 DWT cycle counter). CounterClock turns it into microseconds.
    public interface IFreeRunningCounter
    {
        uint FrequencyHz { get; }
        uint Count { get; }
    }
}
