using System;

namespace ChargePoint.Core
{
    // A byte sink such as the console UART. Write may block until the bytes are handed to hardware.
    public interface ISerialOut
    {
        void Write(ReadOnlySpan<byte> data);
    }
}
