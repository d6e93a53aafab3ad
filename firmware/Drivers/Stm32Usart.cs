using System;
using ChargePoint.Core;

namespace ChargePoint.Drivers
{
    // STM32F7 USART (RM0410 rev 5, section 34.8 "USART registers"). Polled transmit, 8N1,
    // oversampling by 16.
    public sealed class Stm32Usart : ISerialOut
    {
        private const uint Cr1 = 0x00; // RM0410 34.8.1 USART_CR1
        private const uint Brr = 0x0C; // RM0410 34.8.4 USART_BRR
        private const uint Isr = 0x1C; // RM0410 34.8.8 USART_ISR
        private const uint Tdr = 0x28; // RM0410 34.8.11 USART_TDR

        private const uint Cr1Enable = 1u << 0;         // UE
        private const uint Cr1ReceiverEnable = 1u << 2; // RE
        private const uint Cr1TransmitterEnable = 1u << 3; // TE
        private const uint IsrTransmitEmpty = 1u << 7;  // TXE

        private readonly uint _base;

        public Stm32Usart(uint baseAddress) { _base = baseAddress; }

        // The caller has enabled the USART's clock and routed its pins.
        public void Initialize(uint kernelClockHz, uint baudRate)
        {
            Mmio.Write32(_base + Cr1, 0);
            // RM0410 34.5 (baud rate generation): with OVER8 = 0, BRR = f_ck / baud, rounded.
            Mmio.Write32(_base + Brr, (kernelClockHz + baudRate / 2) / baudRate);
            Mmio.Write32(_base + Cr1, Cr1Enable | Cr1ReceiverEnable | Cr1TransmitterEnable);
        }

        public void WriteByte(byte value)
        {
            while ((Mmio.Read32(_base + Isr) & IsrTransmitEmpty) == 0) { }
            Mmio.Write32(_base + Tdr, value);
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            for (int i = 0; i < data.Length; i++) WriteByte(data[i]);
        }
    }
}
