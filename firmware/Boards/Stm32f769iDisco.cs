using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;
using ChargePoint.Core.Storage;
using ChargePoint.Core.Time;
using ChargePoint.Core.Usb;
using ChargePoint.Drivers;
using Internal.Runtime;

namespace ChargePoint.Boards
{
    // STM32F769I-DISCO (UM2033): STM32F769NI, 25 MHz HSE crystal, console on USART1 (PA9 TX,
    // PA10 RX) wired to the ST-LINK virtual COM port, a LAN8742A Ethernet PHY on RMII (PHY address
    // 0; its 50 MHz REF_CLK comes from the board, into PA1). Register facts: RM0410 rev 5.
    //
    // DMA memory: MmioBus takes the Ethernet descriptors and buffers from the boot heap, which
    // starts in DTCM (0x20000000, 128 KiB). The ETH DMA is a bus-matrix master and reaches DTCM
    // through the Cortex-M7's AHBS slave port (RM0410 2.1, figure 1; AN4667), SRAM1/SRAM2
    // directly, so any heap address works. The D-cache is off in this image; DTCM is never
    // cached, SRAM1/SRAM2 would need an MPU region or cache maintenance the day it is turned on.
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
        private const uint RccAhb1Rstr = RccBase + 0x10; // RM0410 5.3.5 RCC_AHB1RSTR
        private const uint RccAhb1Enr = RccBase + 0x30; // RM0410 5.3.10 RCC_AHB1ENR
        private const uint RccApb1Enr = RccBase + 0x40; // RM0410 5.3.13 RCC_APB1ENR
        private const uint RccApb2Enr = RccBase + 0x44; // RM0410 5.3.14 RCC_APB2ENR

        private const uint PwrCr1 = 0x40007000;         // RM0410 4.4.1 PWR_CR1
        private const uint PwrCsr1 = 0x40007004;        // RM0410 4.4.2 PWR_CSR1
        private const uint FlashAcr = 0x40023C00;       // RM0410 3.7.1 FLASH_ACR

        private const uint SyscfgPmc = 0x40013804;      // RM0410 7.2.2 SYSCFG_PMC

        private const uint GpioABase = 0x40020000;      // RM0410 2.2.2 memory map
        private const uint GpioBBase = 0x40020400;
        private const uint GpioCBase = 0x40020800;
        private const uint GpioGBase = 0x40021800;
        private const uint GpioHBase = 0x40021C00;
        private const uint GpioIBase = 0x40022000;
        private const uint GpioModer = 0x00;            // RM0410 6.4.1
        private const uint GpioOspeedr = 0x08;          // RM0410 6.4.3
        private const uint GpioAfrl = 0x20;             // RM0410 6.4.9
        private const uint GpioAfrh = 0x24;             // RM0410 6.4.10
        private const uint AlternateFunctionEthernet = 11; // RM0410 42.3: every MAC signal is on AF11
        private const uint AlternateFunctionUlpi = 10;     // DS11532 alternate functions: OTG_HS_ULPI_* on AF10 (see ConfigureUlpiPins)
        private const uint Usart1Base = 0x40011000;

        // RM0410 45.1: the 96-bit unique device ID, three words from 0x1FF0F420.
        private const uint UniqueIdBase = 0x1FF0F420;
        private const int UniqueIdBytes = 12;

        public const int Usart1Irq = 37; // RM0410 table 46: USART1 global interrupt
        public const int EthIrq = 61;    // RM0410 table 46: Ethernet global interrupt
        public const int OtgHsIrq = 77;  // RM0410 table 46: USB On The Go HS global interrupt
        public const int ConsoleReceivePriority = 12; // below SysTick (0): typing never delays the tick
        public const int NetworkPriority = 8;         // above the console: a frame burst is drained first
        public const int UsbPriority = 10;            // below the network, above the console
        public const int EthernetPhyAddress = 0;      // UM2033: the LAN8742A's PHYAD strap

        // Flash sector 11, the last 256 KiB of the 2 MiB single-bank layout (RM0410 3.3.1:
        // sectors 0-3 32 KiB, 4 128 KiB, 5-11 256 KiB; nDBANK set, the factory setting). The
        // linker script keeps the image out of it.
        public const uint ConfigAddress = 0x081C0000;

        private readonly Stm32Usart _console = new Stm32Usart(Usart1Base);
        private readonly SysTickClock _tick = new SysTickClock();
        private CounterClock _clock;
        private Stm32Eth _network;

        public ReadOnlySpan<byte> Name => "stm32f769i_disco"u8;
        public uint CoreClockHz => SystemClockHz;
        public IConsoleUart Console => _console;
        public IClock Clock => _clock;
        public INetworkLink Network => _network;
        public uint ConfigBlockAddress => ConfigAddress;

        public ReadOnlySpan<byte> ConfigDefaults =>
            "ip=dhcp\ndns=auto\nsntp=pool.ntp.org\nsntp_port=123\ncs_url=ws://192.168.1.10:8180/steve/websocket/CentralSystemService/CP001\ncp_id=CP001\n"u8;

        public void EnableConsoleInput(ByteRing received, Scheduler scheduler, int taskId) =>
            ConsoleInterrupt.Attach(_console, Usart1Irq, ConsoleReceivePriority, received, scheduler, taskId);

        // Boot, before the heap is sealed (Start allocates the descriptor rings and buffers). A
        // controller that cannot start (no REF_CLK, no PHY on MDIO) is a hardware fault: panic
        // with the driver's reason. A missing cable is not: the link just stays down.
        public void EnableNetwork(Scheduler scheduler, int taskId)
        {
            _network.Start(scheduler, taskId);
            if (!_network.IsStarted) Panic.Fail(_network.Failure);
            NetworkInterrupt.Attach(_network, EthIrq, NetworkPriority);
        }

        // The session stream's port: USB CDC-ACM (class) on the device core on OTG_HS (port), the
        // CDC function its own scheduler task, which every USB event signals. Boot, before the
        // heap is sealed (the port's event queue and DMA block, the class's transmit buffers).
        // The ULPI pins are routed here. Clocks: nothing beyond what Initialize set up. The port
        // gates on its own AHB clock and the ULPI clock (RCC_AHB1ENR OTGHSEN, OTGHSULPIEN, RM0410
        // 5.3.10). PLL48CLK (the PLLQ output, 48 MHz) serves OTG_HS only when it runs on its
        // embedded full-speed PHY. With the USB3320 on ULPI, the PHY side runs on the 60 MHz
        // ULPI_CK the PHY drives into PA5 (made from its own reference clock on the board). The
        // AHB side needs HCLK of at least 30 MHz for high speed; it gets 216 MHz. RCC_AHB1LPENR
        // keeps both clocks running in Sleep (OTGHSLPEN and OTGHSULPILPEN are set at reset), so the
        // idle loop's WFI does not stop USB. The port's DMA is a bus-matrix master like the ETH
        // DMA: it reaches the heap in DTCM through the AHBS port (see the class comment).
        // A port that cannot start (most likely no ULPI clock: PHY unpowered or held in reset)
        // gives a stream port that is never open, and `failure` says why: the charge point works
        // without its USB log.
        public IStreamPort EnableSessionPort(Scheduler scheduler, out ReadOnlySpan<byte> failure)
        {
            ConfigureUlpiPins();
            var port = new DwcOtgHs(new MmioBus());
            var uniqueId = new byte[UniqueIdBytes];
            ReadUniqueId(uniqueId);
            var device = new UsbDevice(port, uniqueId, "SharpCharge"u8, "SharpCharge Session Log"u8);
            var cdc = new CdcAcm(device);
            cdc.Start(scheduler, scheduler.Add(cdc)); // starts the port, then soft-connects
            failure = port.Failure;
            if (port.IsStarted) UsbInterrupt.Attach(port, OtgHsIrq, UsbPriority);
            else if (failure.IsEmpty) failure = "usb: the port did not start"u8;
            if (failure.IsEmpty && !cdc.IsRegistered) failure = "usb: the CDC-ACM descriptors did not fit the device"u8;
            return cdc;
        }

        // The 96-bit unique device ID (RM0410 45.1), byte 0 first: for the USB serial number.
        private static void ReadUniqueId(Span<byte> destination)
        {
            for (int i = 0; i < UniqueIdBytes && i < destination.Length; i++)
                destination[i] = (byte)(Mmio.Read32(UniqueIdBase + (uint)(i & ~3)) >> ((i & 3) * 8));
        }

        // Flash sectors 9 and 10 (RM0410 3.3.1, 256 KiB each; the linker script keeps the image
        // below them, and sector 11 holds the configuration block).
        public void CreateRecordStorage(out IRecordStorage first, out IRecordStorage second)
        {
            var bus = new MmioBus();
            first = new Stm32Flash(bus, Stm32Flash.SpareSector);
            second = new Stm32Flash(bus, Stm32Flash.RecordSector);
        }

        public void Initialize()
        {
            ConfigureClocks();
            ConfigureConsolePins();
            _console.Initialize(Apb2ClockHz, ConsoleBaud);
            _tick.Start(SystemClockHz); // wakes the idle loop every millisecond; native code's ms count
            _clock = new CounterClock(new DwtCycleCounter(SystemClockHz));
            ConfigureEthernet();
            var bus = new MmioBus();
            _network = new Stm32Eth(bus, new Lan8742(bus, EthernetPhyAddress, SystemClockHz), DeriveMacAddress());
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

        // RMII on AF11 (RM0410 42.3, table 309; DS11532 alternate functions), as the DISCO board
        // wires it (UM2033): PA1 REF_CLK, PA2 MDIO, PA7 CRS_DV, PC1 MDC, PC4 RXD0, PC5 RXD1, PG11 TX_EN,
        // PG13 TXD0, PG14 TXD1; very high speed, push-pull, no pull (OTYPER/PUPDR reset values).
        // RM0410 7.2.2: MII_RMII_SEL must be set while the MAC is held in reset and before its clocks
        // are enabled, so: SYSCFG clock, MAC reset, RMII, MAC clocks, reset released.
        private static void ConfigureEthernet()
        {
            Mmio.SetBits(RccAhb1Enr, (1u << 0) | (1u << 2) | (1u << 6)); // GPIOAEN, GPIOCEN, GPIOGEN
            Mmio.Read32(RccAhb1Enr);
            ConfigureAlternateFunction(GpioABase, 1, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioABase, 2, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioABase, 7, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioCBase, 1, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioCBase, 4, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioCBase, 5, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioGBase, 11, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioGBase, 13, AlternateFunctionEthernet);
            ConfigureAlternateFunction(GpioGBase, 14, AlternateFunctionEthernet);

            Mmio.SetBits(RccApb2Enr, 1u << 14);                  // SYSCFGEN
            Mmio.Read32(RccApb2Enr);
            Mmio.SetBits(RccAhb1Rstr, 1u << 25);                 // ETHMACRST
            Mmio.SetBits(SyscfgPmc, 1u << 23);                   // MII_RMII_SEL = RMII
            Mmio.SetBits(RccAhb1Enr, (1u << 25) | (1u << 26) | (1u << 27)); // ETHMACEN, ETHMACTXEN, ETHMACRXEN
            Mmio.Read32(RccAhb1Enr);
            Mmio.ClearBits(RccAhb1Rstr, 1u << 25);
        }

        private static void ConfigureAlternateFunction(uint port, int pin, uint alternateFunction)
        {
            int two = pin * 2;
            Mmio.Modify(port + GpioModer, 3u << two, 2u << two);   // alternate function
            Mmio.Modify(port + GpioOspeedr, 3u << two, 3u << two); // very high speed
            uint afr = pin < 8 ? GpioAfrl : GpioAfrh;
            int four = (pin & 7) * 4;
            Mmio.Modify(port + afr, 0xFu << four, alternateFunction << four);
        }

        // The USB3320's ULPI bus as the DISCO board wires it: PA5 CK, PA3 D0, PB0 D1, PB1 D2,
        // PB10 D3, PB11 D4, PB12 D5, PB13 D6, PB5 D7, PC0 STP, PI11 DIR, PH4 NXT, all on AF10. The
        // pins are the ones Zephyr's stm32f769i_disco board description gives its OTG_HS ULPI PHY,
        // the AF numbers those of ST's pin data for the STM32F769NIHx (as Zephyr's hal_stm32
        // carries it; DS11532's alternate-function table); UM2033's schematic is the authority and
        // was not at hand. PI11 and PH4 are this board's choice: the chip also offers DIR/NXT on
        // PC2/PC3. Very high speed for the 60 MHz bus; push-pull, no pull (OTYPER/PUPDR reset values).
        private static void ConfigureUlpiPins()
        {
            // GPIOAEN, GPIOBEN, GPIOCEN, GPIOHEN, GPIOIEN (RM0410 5.3.10)
            Mmio.SetBits(RccAhb1Enr, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 7) | (1u << 8));
            Mmio.Read32(RccAhb1Enr);
            ConfigureAlternateFunction(GpioABase, 3, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioABase, 5, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 0, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 1, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 5, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 10, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 11, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 12, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioBBase, 13, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioCBase, 0, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioHBase, 4, AlternateFunctionUlpi);
            ConfigureAlternateFunction(GpioIBase, 11, AlternateFunctionUlpi);
        }

        // A locally administered unicast address (first byte 0x02) from the unique ID: its 12
        // bytes XOR-folded into the other five. Byte k lands in byte 1 + k % 5, so two chips of one
        // wafer, whose IDs differ only in the X/Y coordinates (ID bytes 0-3), never share an address.
        private static byte[] DeriveMacAddress()
        {
            var id = new byte[UniqueIdBytes];
            ReadUniqueId(id);
            var mac = new byte[6];
            mac[0] = 0x02;
            for (int i = 0; i < UniqueIdBytes; i++) mac[1 + i % 5] ^= id[i];
            return mac;
        }
    }
}
