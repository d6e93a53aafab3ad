using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;

namespace ChargePoint.Drivers
{
    // STM32F7 USART (RM0410 rev 5, section 34.8 "USART registers"). Polled transmit, receive by
    // interrupt into a ring, 8N1, oversampling by 16.
    public sealed class Stm32Usart : IConsoleUart
    {
        private const uint Cr1 = 0x00; // RM0410 34.8.1 USART_CR1
        private const uint Brr = 0x0C; // RM0410 34.8.4 USART_BRR
        private const uint Isr = 0x1C; // RM0410 34.8.8 USART_ISR
        private const uint Icr = 0x20; // RM0410 34.8.9 USART_ICR
        private const uint Rdr = 0x24; // RM0410 34.8.10 USART_RDR
        private const uint Tdr = 0x28; // RM0410 34.8.11 USART_TDR

        private const uint Cr1Enable = 1u << 0;         // UE
        private const uint Cr1ReceiverEnable = 1u << 2; // RE
        private const uint Cr1TransmitterEnable = 1u << 3; // TE
        private const uint Cr1ReceiveInterrupt = 1u << 5; // RXNEIE
        private const uint IsrTransmitEmpty = 1u << 7;  // TXE
        private const uint IsrReceiveNotEmpty = 1u << 5; // RXNE
        private const uint IsrOverrun = 1u << 3;        // ORE
        private const uint IcrOverrunClear = 1u << 3;   // ORECF

        private readonly uint _base;
        private ByteRing _received;
        private int _overruns;

        public Stm32Usart(uint baseAddress) { _base = baseAddress; }

        // The caller has enabled the USART's clock and routed its pins.
        public void Initialize(uint kernelClockHz, uint baudRate)
        {
            Mmio.Write32(_base + Cr1, 0);
            // RM0410 34.5 (baud rate generation): with OVER8 = 0, BRR = f_ck / baud, rounded.
            Mmio.Write32(_base + Brr, (kernelClockHz + baudRate / 2) / baudRate);
            Mmio.Write32(_base + Cr1, Cr1Enable | Cr1ReceiverEnable | Cr1TransmitterEnable);
        }

        public int Overruns => _overruns;

        public void EnableReceiveInterrupt(ByteRing received)
        {
            _received = received;
            Mmio.SetBits(_base + Cr1, Cr1ReceiveInterrupt);
        }

        // Interrupt context: reading RDR clears RXNE; an overrun (ORE) also raises the interrupt
        // and is cleared through ICR.
        public void HandleReceiveInterrupt()
        {
            uint status = Mmio.Read32(_base + Isr);
            if ((status & IsrOverrun) != 0)
            {
                _overruns++;
                Mmio.Write32(_base + Icr, IcrOverrunClear);
            }
            while ((Mmio.Read32(_base + Isr) & IsrReceiveNotEmpty) != 0)
                _received.TryWrite((byte)Mmio.Read32Word(_base + Rdr));
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
