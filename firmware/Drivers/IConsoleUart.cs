using ChargePoint.Core;
using ChargePoint.Core.Buffers;

namespace ChargePoint.Drivers
{
    // A UART that serves as the console: polled transmit, receive by interrupt into a ring.
    public interface IConsoleUart : ISerialOut
    {
        // Bytes the hardware lost because the receive buffer was not read in time.
        int Overruns { get; }

        // Polled: used by the panic path too, so it must not depend on interrupts.
        void WriteByte(byte value);

        // Turn on the receive interrupt; HandleReceiveInterrupt then moves bytes into `received`.
        void EnableReceiveInterrupt(ByteRing received);

        // Interrupt context only.
        void HandleReceiveInterrupt();
    }
}
