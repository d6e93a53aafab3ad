using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.SessionLog;

namespace ChargePoint.Drivers
{
    // ARM CMSDK APB UART (Cortex-M System Design Kit TRM, ARM DDI 0479C, 4.3 "UART"), as QEMU's
    // mps2 machines model it. Polled transmit; receive by interrupt into a ring. As the session
    // stream's port (UART1 under QEMU) it is always open: a UART has no DTR.
    public sealed class CmsdkUart : IConsoleUart, IStreamPort
    {
        private const uint Data = 0x000;      // DDI 0479C 4.3.2 DATA: read RX byte / write TX byte
        private const uint State = 0x004;     // STATE: bit0 TX buffer full, bit1 RX buffer full
        private const uint Control = 0x008;   // CTRL: bit0 TX enable, bit1 RX enable, bit2 TX irq, bit3 RX irq
        private const uint InterruptClear = 0x00C; // INTSTATUS (read) / INTCLEAR (write 1): bit0 TX, bit1 RX
        private const uint BaudDivider = 0x010; // BAUDDIV: PCLK / baud, at least 16

        private const uint StateTxFull = 1u << 0;
        private const uint StateRxFull = 1u << 1;
        private const uint StateRxOverrun = 1u << 3;
        private const uint ControlTxEnable = 1u << 0;
        private const uint ControlRxEnable = 1u << 1;
        private const uint ControlRxInterrupt = 1u << 3;
        private const uint InterruptRx = 1u << 1;

        private readonly uint _base;
        private ByteRing _received;
        private int _overruns;

        public CmsdkUart(uint baseAddress) { _base = baseAddress; }

        public void Initialize(uint peripheralClockHz, uint baudRate)
        {
            uint divider = peripheralClockHz / baudRate;
            Mmio.Write32(_base + BaudDivider, divider < 16 ? 16 : divider);
            Mmio.Write32(_base + Control, ControlTxEnable | ControlRxEnable);
        }

        public int Overruns => _overruns;

        public void EnableReceiveInterrupt(ByteRing received)
        {
            _received = received;
            Mmio.SetBits(_base + Control, ControlRxInterrupt);
        }

        // Interrupt context: acknowledge first, then move every waiting byte into the ring (which
        // counts what it must drop) and note an overrun. Acknowledging last would lose the
        // interrupt of a byte that arrives during the drain, and with it the receiver (QEMU holds
        // further bytes until that one is read).
        public void HandleReceiveInterrupt()
        {
            Mmio.Write32(_base + InterruptClear, InterruptRx);
            uint state;
            while (((state = Mmio.Read32(_base + State)) & StateRxFull) != 0)
                _received.TryWrite((byte)Mmio.Read32Word(_base + Data));
            if ((state & StateRxOverrun) != 0)
            {
                _overruns++;
                Mmio.Write32(_base + State, StateRxOverrun); // write 1 to clear
            }
        }

        public void WriteByte(byte value)
        {
            while ((Mmio.Read32(_base + State) & StateTxFull) != 0) { }
            Mmio.Write32(_base + Data, value);
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            for (int i = 0; i < data.Length; i++) WriteByte(data[i]);
        }

        bool IStreamPort.IsOpen => true;

        // What the transmit buffer takes now, without waiting (IStreamPort never blocks).
        int IStreamPort.Write(ReadOnlySpan<byte> data)
        {
            int taken = 0;
            while (taken < data.Length && (Mmio.Read32(_base + State) & StateTxFull) == 0)
                Mmio.Write32(_base + Data, data[taken++]);
            return taken;
        }
    }
}
