using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Drivers;

namespace ChargePoint.Boards
{
    // STM32F769I-DISCO (UM2033): STM32F769NI, 25 MHz HSE crystal, console on USART1 (PA9 TX,
    // PA10 RX) wired to the ST-LINK virtual COM port. Register facts: RM0410 rev 5.
    public sealed class Stm32f769iDisco : IBoard
    {
        public const uint HseHz = 25000000;
        public const uint SystemClockHz = 216000000; // HSE / 25 * 432 / 2
        public const uint Apb2ClockHz = SystemClockHz / 2;
        public const uint ConsoleBaud = 115200;

        private const uint RccBase = 0x40023800;       // RM0410 2.2.2 memory map
        private const uint RccCr = RccBase + 0x00;      // RM0410 5.3.1 RCC_CR
        private const uint RccPllCfgr = RccBase + 0x04; // RM0410 5.3.2 RCC_PLLCFGR
        private const uint RccCfgr = RccBase + 0x08;    // RM0410 5.3.3 RCC_CFGR
        private const uint RccAhb1Enr = RccBase + 0x30; // RM0410 5.3.10 RCC_AHB1ENR
        private const uint RccApb1Enr = RccBase + 0x40; // RM0410 5.3.13 RCC_APB1ENR
        private const uint RccApb2Enr = RccBase + 0x44; // RM0410 5.3.14 RCC_APB2ENR

        private const uint PwrCr1 = 0x40007000;         // RM0410 4.4.1 PWR_CR1
        private const uint PwrCsr1 = 0x40007004;        // RM0410 4.4.2 PWR_CSR1
        private const uint FlashAcr = 0x40023C00;       // RM0410 3.7.1 FLASH_ACR

        private const uint GpioABase = 0x40020000;
        private const uint GpioModer = 0x00;            // RM0410 6.4.1
        private const uint GpioOspeedr = 0x08;          // RM0410 6.4.3
        private const uint GpioAfrh = 0x24;             // RM0410 6.4.10
        private const uint Usart1Base = 0x40011000;

        public const int Usart1Irq = 37; // RM0410 table 46: USART1 global interrupt
        public const int ConsoleReceivePriority = 12; // below SysTick (0): typing never delays the tick

        private readonly Stm32Usart _console = new Stm32Usart(Usart1Base);
        private readonly SysTickClock _clock = new SysTickClock();

        public ReadOnlySpan<byte> Name => "stm32f769i_disco"u8;
        public uint CoreClockHz => SystemClockHz;
        public IConsoleUart Console => _console;
        public IClock Clock => _clock;

        public void EnableConsoleInput(ByteRing received) =>
            ConsoleInterrupt.Attach(_console, Usart1Irq, ConsoleReceivePriority, received);

        public void Initialize()
        {
            ConfigureClocks();
            ConfigureConsolePins();
            _console.Initialize(Apb2ClockHz, ConsoleBaud);
            _clock.Start(SystemClockHz);
        }

        // HSE 25 MHz -> PLL (M=25, N=432, P=2, Q=9) -> 216 MHz SYSCLK, 48 MHz PLL48CLK;
        // AHB /1, APB1 /4 (54 MHz), APB2 /2 (108 MHz). RM0410 5.2 and 3.3.2 (wait states).
        private static void ConfigureClocks()
        {
            Mmio.SetBits(RccCr, 1u << 16);                       // HSEON
            Mmio.WaitFor(RccCr, 1u << 17, 1u << 17);             // HSERDY

            Mmio.SetBits(RccApb1Enr, 1u << 28);                  // PWREN
            Mmio.Read32(RccApb1Enr);                             // RM0410 5.2: let the clock enable take effect
            Mmio.Modify(PwrCr1, 3u << 14, 3u << 14);             // VOS = scale 1

            Mmio.Write32(RccPllCfgr,
                25u                 // PLLM: 25 MHz / 25 = 1 MHz VCO input
                | (432u << 6)       // PLLN: 432 MHz VCO
                | (0u << 16)        // PLLP = /2 -> 216 MHz
                | (1u << 22)        // PLLSRC = HSE
                | (9u << 24)        // PLLQ = /9 -> 48 MHz
                | (2u << 28));      // PLLR = /2, its reset value (0 and 1 are invalid; DSI only)
            Mmio.SetBits(RccCr, 1u << 24);                       // PLLON

            // 216 MHz needs over-drive (RM0410 4.1.4): ODEN, wait ODRDY, ODSWEN, wait ODSWRDY.
            Mmio.SetBits(PwrCr1, 1u << 16);
            Mmio.WaitFor(PwrCsr1, 1u << 16, 1u << 16);
            Mmio.SetBits(PwrCr1, 1u << 17);
            Mmio.WaitFor(PwrCsr1, 1u << 17, 1u << 17);

            Mmio.WaitFor(RccCr, 1u << 25, 1u << 25);             // PLLRDY

            // RM0410 table 7: 7 wait states at 216 MHz, 2.7-3.6 V; ART accelerator and prefetch on.
            Mmio.Write32(FlashAcr, 7u | (1u << 8) | (1u << 9));
            Mmio.WaitFor(FlashAcr, 0xFu, 7u);

            Mmio.Modify(RccCfgr, (0xFu << 4) | (7u << 10) | (7u << 13), (0u << 4) | (5u << 10) | (4u << 13));
            Mmio.Modify(RccCfgr, 3u, 2u);                        // SW = PLL
            Mmio.WaitFor(RccCfgr, 3u << 2, 2u << 2);             // SWS = PLL
        }

        // USART1 on PA9 (TX) / PA10 (RX), alternate function 7 (DS11532 table 13).
        private static void ConfigureConsolePins()
        {
            Mmio.SetBits(RccAhb1Enr, 1u << 0);                   // GPIOAEN
            Mmio.SetBits(RccApb2Enr, 1u << 4);                   // USART1EN
            Mmio.Read32(RccApb2Enr);
            Mmio.Modify(GpioABase + GpioModer, (3u << 18) | (3u << 20), (2u << 18) | (2u << 20));
            Mmio.Modify(GpioABase + GpioOspeedr, (3u << 18) | (3u << 20), (2u << 18) | (2u << 20));
            Mmio.Modify(GpioABase + GpioAfrh, (0xFu << 4) | (0xFu << 8), (7u << 4) | (7u << 8));
        }
    }
}
