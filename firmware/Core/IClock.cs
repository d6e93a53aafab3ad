namespace ChargePoint.Core
{
    // Monotonic time since boot. The device reads SysTick; host tests advance a fake.
    public interface IClock
    {
        long UptimeMicroseconds { get; }
    }
}
