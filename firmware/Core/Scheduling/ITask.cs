namespace ChargePoint.Core.Scheduling
{
    // A unit of cooperative work. Run does a bounded piece of work and returns; it never blocks.
    // To run again it asks the scheduler (a period, a wake-up time, or a signal from an event).
    public interface ITask
    {
        void Run(long nowMilliseconds);
    }
}
