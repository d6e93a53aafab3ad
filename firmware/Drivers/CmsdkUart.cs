using System;
using ChargePoint.Core;

namespace ChargePoint.Drivers
{
    // ARM CMSDK APB UART (Cortex-M System Design Kit TRM, ARM DDI 0479C, 4.3 "UART"), as QEMU's
    // mps2 machines model it. Polled transmit.
    public sealed class CmsdkUart : ISerialOut
    {
        private const uint Data = 0x000;      // DDI 0479C 4.3.2 DATA: read RX byte / write TX byte
        private const uint State = 0x004;     // STATE: bit0 TX buffer full, bit1 RX buffer full
        private const uint Control = 0x008;   // CTRL: bit0 TX enable, bit1 RX enable, bit2 TX irq, bit3 RX irq
        private const uint BaudDivider = 0x010; // BAUDDIV: PCLK / baud, at least 16

        private const uint StateTxFull = 1u << 0;
        private const uint ControlTxEnable = 1u << 0;
        private const uint ControlRxEnable = 1u << 1;

        private readonly uint _base;

        public CmsdkUart(uint baseAddress) { _base = baseAddress; }

        public void Initialize(uint peripheralClockHz, uint baudRate)
        {
            uint divider = peripheralClockHz / baudRate;
            Mmio.Write32(_base + BaudDivider, divider < 16 ? 16 : divider);
            Mmio.Write32(_base + Control, ControlTxEnable | ControlRxEnable);
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
    }
}
