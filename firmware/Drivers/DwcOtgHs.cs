using System;
using System.Runtime.CompilerServices;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Usb;

namespace ChargePoint.Drivers
{
    // The STM32F769's USB OTG_HS core (a Synopsys DWC2) in device mode, with the external ULPI PHY
    // of the STM32F769I-DISCO (a USB3320, UM2033), behind IUsbPort. Behaviour from RM0410 rev 5
    // chapter 41 "USB on-the-go full-speed/high-speed (OTG_FS/OTG_HS)": registers are cited by
    // their name there, procedures by the title of the programming-model subsection they follow
    // ("Core initialization", "Device initialization", "Initialization on USB reset",
    // "Initialization on enumeration completion", "Endpoint activation", "Endpoint
    // deactivation", "Data FIFO RAM allocation"). Addresses and bit positions from ST's register
    // map (STM32F7x9.svd, peripherals OTG_HS_GLOBAL 0x40040000, OTG_HS_DEVICE 0x40040800,
    // OTG_HS_PWRCLK 0x40040E00; the endpoint registers repeat every 0x20 bytes), except where a
    // comment says the SVD is wrong or silent.
    //
    // Internal DMA (buffer DMA mode, GAHBCFG DMAEN): the core moves packets between its FIFO RAM
    // and system memory itself, from the address in OTG_DIEPDMAx / OTG_DOEPDMAx, which must be
    // word aligned. StartIn and ArmOut hand it the stack's own buffer (on the device an array's
    // element address is its bus address: nothing moves objects, and the D-cache is off); the
    // only memory the port owns is one 128-byte block from IRegisterBus.AllocateDma: EP0 OUT
    // lands there (a SETUP can arrive while EP0 OUT is armed for data and the DMA would write it
    // into the stack's buffer), and TryTakeEvent copies an EP0 OUT data packet into the stack's
    // slice when it hands out the completion. Reach: the OTG_HS DMA is an AHB bus-matrix master
    // (RM0410 2.1, figure 1): SRAM1/SRAM2 directly, DTCM through the Cortex-M7's AHBS slave port,
    // so any heap address works (the boot heap starts in DTCM). If the D-cache is ever turned on,
    // the buffers need an MPU region marked non-cacheable or clean/invalidate by address around
    // each transfer; the port already puts a barrier between the CPU's buffer writes and EPENA.
    //
    // FIFO RAM (RM0410 41 "Data FIFO RAM allocation"; 4 KiB = 1024 words on OTG_HS), from word 0:
    //   RX FIFO   280 words: 13 for SETUP packets and control words (5 x 1 control endpoint + 8),
    //                        2 x (512 / 4 + 1) for two high-speed bulk packets with their status
    //                        word, 2 x 4 OUT endpoints for transfer-complete words, 1 global NAK
    //   TX FIFO 0  32 words: EP0 IN, two 64-byte packets
    //   TX FIFO 1 256 words: EP1 IN, two 512-byte packets
    //   TX FIFO 2 256 words: EP2 IN, two 512-byte packets
    //   TX FIFO 3 128 words: EP3 IN, one 512-byte packet
    //   952 words in all; the top 72 stay unused, because in DMA mode the core keeps its per-
    //   endpoint DMA state in the last locations of the FIFO RAM (one word per endpoint and
    //   direction, 18 for the core's 9 endpoints).
    //
    // Interrupts: HandleInterrupt (the board routes OTG_HS, NVIC line 77, to it: UsbInterrupt)
    // acknowledges GINTSTS / DIEPINTx / DOEPINTx, does the little register work IUsbPort asks
    // for before each event (bus reset, enumeration done, SETUP), records a UsbEvent into a fixed
    // queue and signals the task. It allocates nothing and its only waits are bounded. The task
    // side masks the core's interrupt line (GAHBCFG GINT) around every change of state the
    // handler also touches; the handler returns at once when it finds the line masked (an
    // interrupt latched by the NVIC just before the mask took effect).
    //
    // Not used: isochronous endpoints, endpoints above 3, remote wake-up, LPM, the dedicated
    // EP1 interrupt lines (OTG_HS_EP1_OUT/IN, 74/75), VBUS sensing (the B-session is forced valid,
    // so the port reports no Disconnect event), low-power clock gating (PCGCCTL stays 0).
    public sealed class DwcOtgHs : IUsbPort
    {
        public const uint GlobalBase = 0x40040000; // RM0410 2.2.2 memory map: USB OTG HS

        private const uint Gotgctl = GlobalBase + 0x000;  // RM0410 41 OTG_GOTGCTL
        private const uint Gahbcfg = GlobalBase + 0x008;  // RM0410 41 OTG_GAHBCFG
        private const uint Gusbcfg = GlobalBase + 0x00C;  // RM0410 41 OTG_GUSBCFG
        private const uint Grstctl = GlobalBase + 0x010;  // RM0410 41 OTG_GRSTCTL
        private const uint Gintsts = GlobalBase + 0x014;  // RM0410 41 OTG_GINTSTS
        private const uint Gintmsk = GlobalBase + 0x018;  // RM0410 41 OTG_GINTMSK
        private const uint Grxfsiz = GlobalBase + 0x024;  // RM0410 41 OTG_GRXFSIZ
        private const uint Dieptxf0 = GlobalBase + 0x028; // RM0410 41 OTG_DIEPTXF0 (OTG_HNPTXFSIZ in host mode)
        private const uint Gccfg = GlobalBase + 0x038;    // RM0410 41 OTG_GCCFG
        // RM0410 41 OTG_DIEPTXFx, x = 1..: 0x104 + 4 * (x - 1). STM32F7x9.svd v1.5 puts
        // OTG_HS_DIEPTXF3 at 0x11C (which is DIEPTXF7); its OTG_FS_DIEPTXF3 and ST's CMSIS header
        // (an array from 0x104) agree with 0x10C.
        private const uint Dieptxf1 = GlobalBase + 0x104;

        private const uint Dcfg = GlobalBase + 0x800;     // RM0410 41 OTG_DCFG
        private const uint Dctl = GlobalBase + 0x804;     // RM0410 41 OTG_DCTL
        private const uint Dsts = GlobalBase + 0x808;     // RM0410 41 OTG_DSTS
        private const uint Diepmsk = GlobalBase + 0x810;  // RM0410 41 OTG_DIEPMSK
        private const uint Doepmsk = GlobalBase + 0x814;  // RM0410 41 OTG_DOEPMSK
        private const uint Daint = GlobalBase + 0x818;    // RM0410 41 OTG_DAINT
        private const uint Daintmsk = GlobalBase + 0x81C; // RM0410 41 OTG_DAINTMSK

        // Per endpoint, 0x20 apart (x = endpoint number).
        private const uint Diepctl0 = GlobalBase + 0x900;  // RM0410 41 OTG_DIEPCTLx
        private const uint Diepint0 = GlobalBase + 0x908;  // RM0410 41 OTG_DIEPINTx
        private const uint Dieptsiz0 = GlobalBase + 0x910; // RM0410 41 OTG_DIEPTSIZx
        // RM0410 41 OTG_DIEPDMAx. STM32F7x9.svd v1.5 names the one at 0x914 "DIEPDMA1", one off.
        private const uint Diepdma0 = GlobalBase + 0x914;
        private const uint Doepctl0 = GlobalBase + 0xB00;  // RM0410 41 OTG_DOEPCTLx
        private const uint Doepint0 = GlobalBase + 0xB08;  // RM0410 41 OTG_DOEPINTx
        private const uint Doeptsiz0 = GlobalBase + 0xB10; // RM0410 41 OTG_DOEPTSIZx
        private const uint Doepdma0 = GlobalBase + 0xB14;  // RM0410 41 OTG_DOEPDMAx (not in the SVD)
        private const uint EndpointStride = 0x20;

        private const uint Pcgcctl = GlobalBase + 0xE00;   // RM0410 41 OTG_PCGCCTL

        // The core's bus clock gates and reset, in the RCC.
        private const uint RccAhb1Rstr = 0x40023810; // RM0410 5.3.5 RCC_AHB1RSTR
        private const uint RccAhb1Enr = 0x40023830;  // RM0410 5.3.10 RCC_AHB1ENR
        private const uint RccOtgHsReset = 1u << 29;     // AHB1RSTR OTGHSRST
        private const uint RccOtgHsEnable = 1u << 29;    // AHB1ENR OTGHSEN: the core's AHB clock
        private const uint RccOtgHsUlpiEnable = 1u << 30; // AHB1ENR OTGHSULPIEN: the ULPI clock gate

        // OTG_GOTGCTL: force the B-session valid, so the core needs no VBUS indication from the
        // PHY to connect. These two bits are in RM0410's OTG_GOTGCTL but not in the SVD v1.5.
        private const uint BSessionOverrideEnable = 1u << 6; // BVALOEN
        private const uint BSessionOverrideValue = 1u << 7;  // BVALOVAL

        // OTG_GAHBCFG
        private const uint GlobalInterruptUnmask = 1u << 0; // GINT: the core's interrupt line
        private const uint BurstIncr4 = 3u << 1;            // HBSTLEN = 0011: INCR4 AHB bursts
        private const uint DmaEnable = 1u << 5;             // DMAEN

        // OTG_GUSBCFG
        private const uint FullSpeedSerialPhy = 1u << 6;    // PHYSEL: 0 = the ULPI PHY
        private const uint SrpCapable = 1u << 8;            // SRPCAP
        private const uint HnpCapable = 1u << 9;            // HNPCAP
        private const int TurnaroundShift = 10;             // TRDT, bits 13:10
        private const uint TurnaroundMask = 0xFu << TurnaroundShift;
        private const uint TurnaroundHighSpeed = 9;         // RM0410 OTG_GUSBCFG TRDT: 9 with the HS PHY
        private const uint TurnaroundFullSpeed = 6;         // RM0410 TRDT table: AHB >= 32 MHz at full speed
        private const uint UlpiSerialInterface = 1u << 17;  // ULPIFSLS: 0 = 8-bit ULPI data bus
        private const uint UlpiExternalVbusDrive = 1u << 20;     // ULPIEVBUSD (host only)
        private const uint UlpiExternalVbusIndicator = 1u << 21; // ULPIEVBUSI (host only)
        private const uint TermSelectPulsing = 1u << 22;    // TSDPS: 0 = data line pulsing on D+
        private const uint ForceHostMode = 1u << 29;        // FHMOD
        private const uint ForceDeviceMode = 1u << 30;      // FDMOD
        private const uint UlpiSelectionMask = FullSpeedSerialPhy | UlpiSerialInterface
            | UlpiExternalVbusDrive | UlpiExternalVbusIndicator | TermSelectPulsing;

        // OTG_GRSTCTL
        private const uint CoreSoftReset = 1u << 0;         // CSRST: self-clearing
        private const uint RxFifoFlush = 1u << 4;           // RXFFLSH: self-clearing
        private const uint TxFifoFlush = 1u << 5;           // TXFFLSH: self-clearing
        private const int TxFifoNumberShift = 6;            // TXFNUM, bits 10:6
        private const uint AllTxFifos = 0x10;               // TXFNUM = 10000: flush every TX FIFO
        private const uint AhbIdle = 1u << 31;              // AHBIDL

        // OTG_GINTSTS / OTG_GINTMSK (same positions). The W1C bits are cleared by writing 1.
        private const uint CurrentModeHost = 1u << 0;       // CMOD (status only)
        private const uint GlobalOutNakEffective = 1u << 7; // BOUTNAKEFF (status only)
        private const uint UsbSuspend = 1u << 11;           // USBSUSP
        private const uint UsbReset = 1u << 12;             // USBRST
        private const uint EnumerationDone = 1u << 13;      // ENUMDNE
        private const uint InEndpointInterrupt = 1u << 18;  // IEPINT (from OTG_DAINT)
        private const uint OutEndpointInterrupt = 1u << 19; // OEPINT (from OTG_DAINT)
        private const uint Wakeup = 1u << 31;               // WKUINT (WUIM in OTG_GINTMSK)
        private const uint InterruptsUsed = UsbSuspend | UsbReset | EnumerationDone
            | InEndpointInterrupt | OutEndpointInterrupt | Wakeup;

        // OTG_GCCFG
        private const uint FullSpeedPhyPowerUp = 1u << 16;  // PWRDWN: 1 = internal FS PHY on
        private const uint VbusDetection = 1u << 21;        // VBDEN

        // OTG_DCFG
        private const uint SpeedMask = 3u;                  // DSPD, bits 1:0
        private const uint SpeedHigh = 0;                   // 00: high speed (with the ULPI PHY)
        private const int AddressShift = 4;                 // DAD, bits 10:4
        private const uint AddressMask = 0x7Fu << AddressShift;
        private const uint PeriodicFrameIntervalMask = 3u << 11; // PFIVL = 00: 80 %

        // OTG_DCTL
        private const uint RemoteWakeupSignaling = 1u << 0; // RWUSIG
        private const uint SoftDisconnect = 1u << 1;        // SDIS
        private const uint ClearGlobalInNak = 1u << 8;      // CGINAK (write only)
        private const uint SetGlobalOutNak = 1u << 9;       // SGONAK (write only)
        private const uint ClearGlobalOutNak = 1u << 10;    // CGONAK (write only)

        // OTG_DSTS
        private const int EnumeratedSpeedShift = 1;         // ENUMSPD, bits 2:1
        private const uint EnumeratedHighSpeed = 0;         // 00 high speed; 01 and 11 full speed

        // OTG_DIEPCTLx / OTG_DOEPCTLx
        private const uint MaxPacketMask = 0x7FFu;          // MPSIZ, bits 10:0 (EP0: 1:0, 00 = 64)
        private const uint ActiveEndpoint = 1u << 15;       // USBAEP
        private const uint NakStatus = 1u << 17;            // NAKSTS (status only)
        private const int TypeShift = 18;                   // EPTYP, bits 19:18
        private const uint Stalled = 1u << 21;              // STALL
        private const int TxFifoShift = 22;                 // TXFNUM, bits 25:22 (IN only)
        private const uint ClearNak = 1u << 26;             // CNAK (write only)
        private const uint SetNak = 1u << 27;               // SNAK (write only)
        private const uint SetData0 = 1u << 28;             // SD0PID (write only)
        private const uint SetOddFrame = 1u << 29;          // SODDFRM (write only)
        private const uint Disable = 1u << 30;              // EPDIS
        private const uint Enable = 1u << 31;               // EPENA
        // Bits a read-modify-write must never write back as read: the write-only commands read as
        // 0 anyway, and EPENA / EPDIS read as 1 while set would re-enable a transfer the core just
        // finished (stale size, stale address).
        private const uint CommandBits = ClearNak | SetNak | SetData0 | SetOddFrame | Disable | Enable;

        // OTG_DIEPINTx / OTG_DOEPINTx (W1C) and the masks in OTG_DIEPMSK / OTG_DOEPMSK.
        private const uint TransferComplete = 1u << 0;      // XFRC
        private const uint EndpointDisabled = 1u << 1;      // EPDISD
        private const uint InNakEffective = 1u << 6;        // INEPNE (DIEPINTx)
        private const uint SetupDone = 1u << 3;             // STUP (DOEPINTx)
        // DOEPINTx, in RM0410 but not in the SVD v1.5: STSPHSRX (a control write's status phase
        // began) and STPKTRX (buffer DMA mode: this XFRC is a SETUP packet the DMA wrote, not data).
        private const uint StatusPhaseReceived = 1u << 5;
        private const uint SetupPacketReceived = 1u << 15;
        private const uint AllEndpointFlags = 0xFFFFu;

        // OTG_DIEPTSIZx / OTG_DOEPTSIZx
        private const int PacketCountShift = 19;            // PKTCNT: bits 28:19 (EP0 IN 20:19, EP0 OUT 19)
        private const uint TransferSizeMask = 0x7FFFFu;     // XFRSIZ: bits 18:0 (EP0 6:0)
        private const uint Ep0TransferSizeMask = 0x7Fu;
        private const int SetupCountShift = 29;             // STUPCNT, bits 30:29 (EP0 OUT)
        private const uint ThreeSetups = 3u << SetupCountShift;

        // What the port offers (IUsbPort).
        public const int Endpoints = 4;                     // EP0..EP3
        public const int Ep0MaxPacket = 64;
        public const int BulkHighSpeedMaxPacket = 512;
        public const int BulkFullSpeedMaxPacket = 64;
        public const int InterruptFullSpeedMaxPacket = 64;
        public const int MaxInTransfer = 16384;
        public const int EventCapacity = 32;                // a power of two, >= 16

        // FIFO RAM layout in 32-bit words (see the top of the file).
        public const int FifoRamWords = 1024;
        public const int RxFifoWords = 13 + 2 * (BulkHighSpeedMaxPacket / 4 + 1) + 2 * Endpoints + 1;
        private static ReadOnlySpan<byte> TxFifoWordsBy16 => new byte[] { 32 / 16, 256 / 16, 256 / 16, 128 / 16 };

        // The port's own DMA memory: EP0 OUT data (one packet), then room for three SETUPs.
        private const int Ep0DataBytes = Ep0MaxPacket;
        private const int SetupAreaBytes = 3 * 8;
        private const int Ep0BlockBytes = 128;
        private const int DmaAlignment = 32;                // a cache line, should the D-cache come on

        // Bounds for the busy waits, in register reads (some 20-50 ns each on the AHB).
        private const int ResetPolls = 1000000;      // CSRST needs the PHY's 60 MHz ULPI clock
        private const int IdlePolls = 1000000;       // AHBIDL
        private const int ModePolls = 10000000;      // CMOD after FDMOD: RM0410 asks for up to 25 ms
        private const int SettlePolls = 10000000;    // clock reads while the forced mode settles
        private const long ModeSettleMilliseconds = 25;
        private const int FlushPolls = 100000;       // TXFFLSH / RXFFLSH
        private const int EndpointPolls = 100000;    // INEPNE, BOUTNAKEFF, EPDISD

        private enum Fault { None, AhbNotIdle, NoUlpiClock, NotDeviceMode, FifoFlush }

        private readonly IRegisterBus _bus;

        private Scheduler _scheduler;
        private int _taskId;
        private Fault _fault;
        private bool _started;
        private uint _ahbConfig;       // GAHBCFG as the task last wrote it, GINT included

        private uint _ep0Block;        // bus addresses of the port's DMA block
        private uint _ep0DataArea;
        private uint _setupArea;

        // The event queue: the handler writes _head, the task writes _tail.
        private UsbEvent[] _events;
        private volatile int _head;
        private volatile int _tail;
        private volatile uint _overflows;

        // Endpoint state, indexed by endpoint number. EP0 is always open.
        private readonly bool[] _inOpen = new bool[Endpoints];
        private readonly bool[] _outOpen = new bool[Endpoints];
        private readonly int[] _inMaxPacket = new int[Endpoints];
        private readonly int[] _outMaxPacket = new int[Endpoints];
        private readonly bool[] _inBusy = new bool[Endpoints];
        private readonly bool[] _outArmed = new bool[Endpoints];
        private readonly int[] _outLength = new int[Endpoints];
        private byte[] _ep0OutBuffer;  // the stack's slice for an EP0 OUT packet
        private int _ep0OutOffset;
        private volatile bool _ep0OutUntaken; // an EP0 OutComplete whose bytes TryTakeEvent has not copied yet
        private volatile bool _ep0InAbandoned; // a SETUP disabled EP0 IN with data maybe left in TX FIFO 0
        private UsbSpeed _speed;

        private uint _interrupts;

        public DwcOtgHs(IRegisterBus bus)
        {
            _bus = bus;
        }

        public bool IsStarted => _started;
        public UsbSpeed Speed => _speed;
        public uint EventOverflows => _overflows;
        public uint Interrupts => _interrupts;

        // Why Start did not start (empty after success).
        public ReadOnlySpan<byte> Failure
        {
            get
            {
                switch (_fault)
                {
                    case Fault.AhbNotIdle: return "dwcotghs: the core's AHB master never went idle"u8;
                    case Fault.NoUlpiClock: return "dwcotghs: core soft reset did not finish (no 60 MHz ULPI clock from the PHY?)"u8;
                    case Fault.NotDeviceMode: return "dwcotghs: the core did not enter device mode"u8;
                    case Fault.FifoFlush: return "dwcotghs: a FIFO flush did not finish"u8;
                    default: return ReadOnlySpan<byte>.Empty;
                }
            }
        }

        // Boot only. The board has routed the ULPI pins; the port gates its own clocks on. On a
        // failure IsStarted stays false and Failure says why; nothing waits forever.
        public void Start(Scheduler scheduler, int taskId)
        {
            _scheduler = scheduler;
            _taskId = taskId;
            _events = new UsbEvent[EventCapacity];
            _ep0Block = _bus.AllocateDma(Ep0BlockBytes, DmaAlignment);
            _ep0DataArea = _ep0Block;
            _setupArea = _ep0Block + Ep0DataBytes;
            _inOpen[0] = _outOpen[0] = true;
            _inMaxPacket[0] = _outMaxPacket[0] = Ep0MaxPacket;

            // RM0410 5.3.10: the AHB clock and the ULPI clock gate; then a pulse of the RCC reset,
            // so that a warm boot starts from the core's reset values too.
            _bus.Write32(RccAhb1Enr, Read(RccAhb1Enr) | RccOtgHsEnable | RccOtgHsUlpiEnable);
            Read(RccAhb1Enr); // RM0410 5.2: the enable takes effect before the first access
            _bus.Write32(RccAhb1Rstr, Read(RccAhb1Rstr) | RccOtgHsReset);
            _bus.Write32(RccAhb1Rstr, Read(RccAhb1Rstr) & ~RccOtgHsReset);

            // RM0410 41 "Core initialization". The interrupt line stays masked until the end.
            _ahbConfig = 0;
            _bus.Write32(Gahbcfg, 0);

            // The ULPI PHY: the internal full-speed transceiver stays powered down, GUSBCFG selects
            // the 8-bit ULPI bus (PHYSEL, ULPIFSLS 0), no external VBUS drive or indicator (host
            // features). The core soft reset that follows puts the selection into effect.
            _bus.Write32(Gccfg, Read(Gccfg) & ~(FullSpeedPhyPowerUp | VbusDetection));
            _bus.Write32(Gusbcfg, Read(Gusbcfg) & ~(UlpiSelectionMask | SrpCapable | HnpCapable));

            // RM0410 41 OTG_GRSTCTL: wait for AHBIDL before CSRST; CSRST clears once both clock
            // domains are reset, which needs the PHY's clock.
            if (!WaitForSet(Grstctl, AhbIdle, IdlePolls)) { _fault = Fault.AhbNotIdle; return; }
            _bus.Write32(Grstctl, CoreSoftReset);
            if (!WaitForClear(Grstctl, CoreSoftReset, ResetPolls)) { _fault = Fault.NoUlpiClock; return; }
            if (!WaitForSet(Grstctl, AhbIdle, IdlePolls)) { _fault = Fault.AhbNotIdle; return; }

            // Device mode forced (FDMOD), the high-speed turnaround; RM0410 OTG_GUSBCFG: the mode
            // takes effect within 25 ms; GINTSTS CMOD shows when it did.
            uint usb = Read(Gusbcfg) & ~(ForceHostMode | TurnaroundMask);
            _bus.Write32(Gusbcfg, usb | ForceDeviceMode | (TurnaroundHighSpeed << TurnaroundShift));
            if (!WaitForClear(Gintsts, CurrentModeHost, ModePolls)) { _fault = Fault.NotDeviceMode; return; }
            // Soft-disconnected at once: DCTL resets with SDIS 0, and the pull-up must not come
            // on before the port is ready (Connect).
            _bus.Write32(Dctl, SoftDisconnect);
            long settled = scheduler.NowMilliseconds + ModeSettleMilliseconds;
            for (int i = 0; i < SettlePolls && scheduler.NowMilliseconds < settled; i++) { }

            _ahbConfig = DmaEnable | BurstIncr4;
            _bus.Write32(Gahbcfg, _ahbConfig);

            // RM0410 41 "Device initialization": high speed, address 0, soft-disconnected until
            // Connect. The B-session is forced valid: no VBUS sensing needed.
            _bus.Write32(Pcgcctl, 0);
            _bus.Write32(Gotgctl, Read(Gotgctl) | BSessionOverrideEnable | BSessionOverrideValue);
            _bus.Write32(Dcfg, (Read(Dcfg) & ~(SpeedMask | AddressMask | PeriodicFrameIntervalMask)) | SpeedHigh);

            // RM0410 41 "Data FIFO RAM allocation", then both kinds of FIFO flushed.
            ProgramFifos();
            if (!FlushTxFifo(AllTxFifos) || !FlushRxFifo()) { _fault = Fault.FifoFlush; return; }

            // Every endpoint NAKing and inactive, every endpoint interrupt flag clear.
            for (int n = 0; n < Endpoints; n++)
            {
                _bus.Write32(Diepctl(n), SetNak);
                _bus.Write32(Doepctl(n), SetNak);
                _bus.Write32(Dieptsiz(n), 0);
                _bus.Write32(Doeptsiz(n), 0);
                _bus.Write32(Diepint(n), AllEndpointFlags);
                _bus.Write32(Doepint(n), AllEndpointFlags);
            }
            _bus.Write32(Diepmsk, TransferComplete);
            _bus.Write32(Doepmsk, TransferComplete | SetupDone);
            _bus.Write32(Daintmsk, EndpointBit(0, true) | EndpointBit(0, false));

            _bus.Write32(Gintsts, 0xFFFFFFFF); // everything pending from before: W1C
            _bus.Write32(Gintmsk, InterruptsUsed);
            _started = true;
            _ahbConfig |= GlobalInterruptUnmask;
            _bus.Write32(Gahbcfg, _ahbConfig);
        }

        // RM0410 41 OTG_DCTL SDIS: 0 lets the PHY pull D+ up (the host sees a device), 1 removes it.
        public void Connect() => SetSoftDisconnect(false);
        public void Disconnect() => SetSoftDisconnect(true);

        private void SetSoftDisconnect(bool disconnected)
        {
            if (!_started) return;
            MaskInterrupt();
            uint control = Read(Dctl) & ~(SoftDisconnect | ClearGlobalInNak | SetGlobalOutNak | ClearGlobalOutNak);
            _bus.Write32(Dctl, disconnected ? control | SoftDisconnect : control);
            UnmaskInterrupt();
        }

        public bool TryTakeEvent(out UsbEvent e)
        {
            int tail = _tail;
            if (_events == null || tail == _head)
            {
                e = default;
                return false;
            }
            e = _events[tail];
            if (e.Kind == UsbEventKind.OutComplete && e.Endpoint == 0)
            {
                // The packet is in the port's block (EP0 OUT never DMAs into the stack's buffer).
                _bus.CopyOut(_ep0DataArea, new Span<byte>(_ep0OutBuffer, _ep0OutOffset, e.Length));
                _ep0OutUntaken = false;
            }
            _tail = (tail + 1) & (EventCapacity - 1);
            return true;
        }

        // RM0410 41 OTG_DCFG DAD. The core answers the status stage of SET_ADDRESS from address 0
        // and uses the new one from the next transaction on.
        public void SetAddress(byte address)
        {
            if (!_started) return;
            MaskInterrupt();
            _bus.Write32(Dcfg, (Read(Dcfg) & ~AddressMask) | (((uint)address << AddressShift) & AddressMask));
            UnmaskInterrupt();
        }

        // RM0410 41 "Endpoint activation": MPSIZ, EPTYP, TXFNUM (IN: FIFO n for endpoint n),
        // SD0PID, USBAEP, and the endpoint's bit in OTG_DAINTMSK. NAKing until a transfer.
        public bool OpenEndpoint(byte address, UsbEndpointType type, int maxPacketSize)
        {
            if (!_started) return false;
            int n = address & 0x0F;
            bool isIn = (address & 0x80) != 0;
            if (n == 0 || n >= Endpoints || (address & 0x70) != 0) return false;
            if (!FitsMaxPacket(n, isIn, type, maxPacketSize)) return false;

            if (isIn ? _inOpen[n] : _outOpen[n]) CloseEndpoint(address);
            MaskInterrupt();
            uint control = ActiveEndpoint | ((uint)type << TypeShift) | SetData0 | SetNak | (uint)maxPacketSize;
            if (isIn)
            {
                _inMaxPacket[n] = maxPacketSize;
                _inBusy[n] = false;
                _inOpen[n] = true;
                _bus.Write32(Diepint(n), AllEndpointFlags);
                _bus.Write32(Diepctl(n), control | ((uint)n << TxFifoShift));
            }
            else
            {
                _outMaxPacket[n] = maxPacketSize;
                _outArmed[n] = false;
                _outOpen[n] = true;
                _bus.Write32(Doepint(n), AllEndpointFlags);
                _bus.Write32(Doepctl(n), control);
            }
            _bus.Write32(Daintmsk, Read(Daintmsk) | EndpointBit(n, isIn));
            UnmaskInterrupt();
            return true;
        }

        private bool FitsMaxPacket(int n, bool isIn, UsbEndpointType type, int size)
        {
            if (size <= 0) return false;
            bool full = _speed == UsbSpeed.Full;
            int limit;
            switch (type)
            {
                case UsbEndpointType.Bulk: limit = full ? BulkFullSpeedMaxPacket : BulkHighSpeedMaxPacket; break;
                case UsbEndpointType.Interrupt: limit = full ? InterruptFullSpeedMaxPacket : 1024; break;
                default: return false; // control is EP0's alone; isochronous is not supported
            }
            if (size > limit) return false;
            // An IN packet must fit its TX FIFO; OUT packets share the RX FIFO, sized for 512.
            return isIn ? size <= TxFifoWords(n) * 4 : size <= BulkHighSpeedMaxPacket;
        }

        // RM0410 41 "Endpoint deactivation" and "Disabling an IN/OUT endpoint": an enabled IN
        // endpoint is NAKed, then disabled, and its FIFO flushed; an enabled OUT endpoint needs the
        // global OUT NAK in effect before EPDIS. Bounded waits; the task is the caller.
        public void CloseEndpoint(byte address)
        {
            if (!_started) return;
            int n = address & 0x0F;
            bool isIn = (address & 0x80) != 0;
            if (n == 0 || n >= Endpoints || (address & 0x70) != 0) return;
            if (!(isIn ? _inOpen[n] : _outOpen[n])) return;

            MaskInterrupt();
            if (isIn)
            {
                _inOpen[n] = false;
                _inBusy[n] = false;
                if ((Read(Diepctl(n)) & Enable) != 0)
                {
                    Command(Diepctl(n), SetNak);
                    WaitForSet(Diepint(n), InNakEffective, EndpointPolls);
                    Command(Diepctl(n), SetNak | Disable);
                    WaitForSet(Diepint(n), EndpointDisabled, EndpointPolls);
                }
                _bus.Write32(Diepctl(n), SetNak);
                FlushTxFifo((uint)n);
                _bus.Write32(Diepint(n), AllEndpointFlags);
            }
            else
            {
                _outOpen[n] = false;
                _outArmed[n] = false;
                if ((Read(Doepctl(n)) & Enable) != 0)
                {
                    _bus.Write32(Dctl, (Read(Dctl) & ~(ClearGlobalInNak | ClearGlobalOutNak)) | SetGlobalOutNak);
                    WaitForSet(Gintsts, GlobalOutNakEffective, EndpointPolls);
                    Command(Doepctl(n), SetNak | Disable);
                    WaitForSet(Doepint(n), EndpointDisabled, EndpointPolls);
                    _bus.Write32(Dctl, (Read(Dctl) & ~(ClearGlobalInNak | SetGlobalOutNak)) | ClearGlobalOutNak);
                }
                _bus.Write32(Doepctl(n), SetNak);
                _bus.Write32(Doepint(n), AllEndpointFlags);
            }
            _bus.Write32(Daintmsk, Read(Daintmsk) & ~EndpointBit(n, isIn));
            UnmaskInterrupt();
        }

        // RM0410 41 OTG_DIEPCTLx / OTG_DOEPCTLx STALL. On EP0 both directions; the core clears
        // them itself when the next SETUP arrives. A transfer in flight stays programmed.
        public void Stall(byte address)
        {
            if (!_started) return;
            int n = address & 0x0F;
            if (n >= Endpoints) return;
            MaskInterrupt();
            bool isIn = (address & 0x80) != 0;
            if (n == 0 || isIn) _bus.Write32(Diepctl(n), (Read(Diepctl(n)) & ~CommandBits) | Stalled);
            if (n == 0 || !isIn) _bus.Write32(Doepctl(n), (Read(Doepctl(n)) & ~CommandBits) | Stalled);
            UnmaskInterrupt();
        }

        // STALL cleared and, for bulk and interrupt endpoints, the toggle back to DATA0 (SD0PID).
        public void ClearStall(byte address)
        {
            if (!_started) return;
            int n = address & 0x0F;
            if (n >= Endpoints) return;
            MaskInterrupt();
            bool isIn = (address & 0x80) != 0;
            uint data0 = n == 0 ? 0 : SetData0;
            if (n == 0 || isIn) _bus.Write32(Diepctl(n), (Read(Diepctl(n)) & ~(CommandBits | Stalled)) | data0);
            if (n == 0 || !isIn) _bus.Write32(Doepctl(n), (Read(Doepctl(n)) & ~(CommandBits | Stalled)) | data0);
            UnmaskInterrupt();
        }

        // RM0410 41 "IN data transfers" in DMA mode: PKTCNT packets of MPSIZ (the last one short,
        // or one of length 0), XFRSIZ bytes from DIEPDMA, then EPENA and CNAK. XFRC ends it.
        public bool StartIn(byte address, byte[] buffer, int offset, int length)
        {
            if (!_started || (address & 0x80) == 0 || (address & 0x70) != 0) return false;
            int n = address & 0x0F;
            if (n >= Endpoints || !_inOpen[n] || _inBusy[n]) return false;
            if (length < 0 || length > (n == 0 ? Ep0MaxPacket : MaxInTransfer)) return false;
            if (buffer == null || offset < 0 || offset > buffer.Length - length) return false;
            uint source = _ep0Block; // a ZLP moves nothing, but DIEPDMA still gets a valid address
            if (length > 0)
            {
                source = BusAddressOf(buffer, offset);
                if ((source & 3) != 0) return false;
            }
            int maxPacket = _inMaxPacket[n];
            uint packets = length == 0 ? 1u : (uint)((length + maxPacket - 1) / maxPacket);

            MaskInterrupt();
            if (n == 0 && _ep0InAbandoned)
            {
                // A SETUP cut the last EP0 IN short: let the disable finish, drop what it left.
                WaitForClear(Diepctl(0), Enable, EndpointPolls);
                FlushTxFifo(0);
                _bus.Write32(Diepint(0), AllEndpointFlags);
                _ep0InAbandoned = false;
            }
            _inBusy[n] = true;
            _bus.Write32(Dieptsiz(n), (packets << PacketCountShift) | (uint)length);
            _bus.Write32(Diepdma(n), source);
            _bus.MemoryBarrier(); // the buffer's bytes before the DMA may fetch them
            Command(Diepctl(n), Enable | ClearNak);
            UnmaskInterrupt();
            return true;
        }

        // RM0410 41 "OUT data transfers" in DMA mode: XFRSIZ a multiple of MPSIZ, PKTCNT =
        // XFRSIZ / MPSIZ, DOEPDMA, then EPENA and CNAK. XFRC ends it after PKTCNT packets or a
        // short one. EP0 takes one packet per transfer (DOEPTSIZ0 PKTCNT is one bit).
        public bool ArmOut(byte address, byte[] buffer, int offset, int length)
        {
            if (!_started || (address & 0xF0) != 0) return false;
            int n = address & 0x0F;
            if (n >= Endpoints || !_outOpen[n] || _outArmed[n]) return false;
            int maxPacket = _outMaxPacket[n];
            if (length <= 0 || length % maxPacket != 0 || length > (n == 0 ? Ep0MaxPacket : (int)TransferSizeMask)) return false;
            if (buffer == null || offset < 0 || offset > buffer.Length - length) return false;
            if (n == 0 && _ep0OutUntaken) return false; // the last packet is still in the port's block
            uint target = _ep0DataArea;
            if (n != 0)
            {
                target = BusAddressOf(buffer, offset);
                if ((target & 3) != 0) return false;
            }
            uint packets = (uint)(length / maxPacket);

            MaskInterrupt();
            _outLength[n] = length;
            _outArmed[n] = true;
            if (n == 0)
            {
                _ep0OutBuffer = buffer;
                _ep0OutOffset = offset;
                _bus.Write32(Doeptsiz(0), ThreeSetups | (1u << PacketCountShift) | (uint)length);
            }
            else
            {
                _bus.Write32(Doeptsiz(n), (packets << PacketCountShift) | (uint)length);
            }
            _bus.Write32(Doepdma(n), target);
            _bus.MemoryBarrier();
            Command(Doepctl(n), Enable | ClearNak);
            UnmaskInterrupt();
            return true;
        }

        // Interrupt context (OTG_HS global interrupt). Order: the bus-level events, then the
        // endpoints, so that a transfer that finished before a reset is not reported after it.
        public void HandleInterrupt()
        {
            if ((Read(Gahbcfg) & GlobalInterruptUnmask) == 0) return; // the task holds the line masked
            _interrupts++;
            uint status = Read(Gintsts) & Read(Gintmsk);

            if ((status & UsbSuspend) != 0)
            {
                _bus.Write32(Gintsts, UsbSuspend);
                Record(UsbEventKind.Suspend, 0, 0);
            }
            if ((status & Wakeup) != 0)
            {
                _bus.Write32(Gintsts, Wakeup);
                Record(UsbEventKind.Resume, 0, 0);
            }
            if ((status & UsbReset) != 0)
            {
                _bus.Write32(Gintsts, UsbReset);
                OnBusReset();
            }
            if ((status & EnumerationDone) != 0)
            {
                _bus.Write32(Gintsts, EnumerationDone);
                OnEnumerationDone();
            }
            if ((status & (InEndpointInterrupt | OutEndpointInterrupt)) != 0)
            {
                uint pending = Read(Daint) & Read(Daintmsk);
                if ((status & InEndpointInterrupt) != 0) OnInEndpoints(pending);
                if ((status & OutEndpointInterrupt) != 0) OnOutEndpoints(pending >> 16);
            }
        }

        // RM0410 41 "Initialization on USB reset", plus what IUsbPort asks: every transfer
        // abandoned without an event, OUT endpoints NAKing, EP1..3 inactive, TX FIFOs flushed,
        // address 0, remote wake-up signalling off, EP0 ready for SETUPs.
        private void OnBusReset()
        {
            _bus.Write32(Dctl, Read(Dctl) & ~(RemoteWakeupSignaling | ClearGlobalInNak | SetGlobalOutNak | ClearGlobalOutNak));
            for (int n = 0; n < Endpoints; n++) Command(Doepctl(n), SetNak);

            // An enabled OUT endpoint is disabled only under the global OUT NAK (RM0410 41
            // "Disabling an OUT endpoint"); EP0 OUT cannot be disabled (DOEPCTL0 EPDIS is read-only).
            bool outEnabled = false;
            for (int n = 1; n < Endpoints; n++) outEnabled |= (Read(Doepctl(n)) & Enable) != 0;
            if (outEnabled)
            {
                _bus.Write32(Dctl, Read(Dctl) | SetGlobalOutNak);
                WaitForSet(Gintsts, GlobalOutNakEffective, EndpointPolls);
                for (int n = 1; n < Endpoints; n++)
                {
                    if ((Read(Doepctl(n)) & Enable) == 0) continue;
                    Command(Doepctl(n), SetNak | Disable);
                    WaitForSet(Doepint(n), EndpointDisabled, EndpointPolls);
                }
                _bus.Write32(Dctl, (Read(Dctl) & ~SetGlobalOutNak) | ClearGlobalOutNak);
            }

            for (int n = 0; n < Endpoints; n++)
            {
                uint inControl = Read(Diepctl(n));
                uint disable = (inControl & Enable) != 0 ? Disable : 0;
                uint keep = n == 0 ? ~CommandBits : ~(CommandBits | ActiveEndpoint | Stalled);
                _bus.Write32(Diepctl(n), (inControl & keep) | SetNak | disable);
                if (n != 0) _bus.Write32(Doepctl(n), (Read(Doepctl(n)) & keep) | SetNak);
                _bus.Write32(Diepint(n), AllEndpointFlags);
                _bus.Write32(Doepint(n), AllEndpointFlags);
                _inBusy[n] = false;
                _outArmed[n] = false;
                if (n != 0) _inOpen[n] = _outOpen[n] = false;
            }
            FlushTxFifo(AllTxFifos);
            _ep0InAbandoned = false;
            _bus.Write32(Daintmsk, EndpointBit(0, true) | EndpointBit(0, false));
            _bus.Write32(Dcfg, Read(Dcfg) & ~AddressMask);
            _speed = UsbSpeed.Unknown;
            ArmSetup();
            Record(UsbEventKind.BusReset, 0, 0);
        }

        // RM0410 41 "Initialization on enumeration completion": the speed from DSTS ENUMSPD,
        // EP0's max packet size (DIEPCTL0 MPSIZ 00 = 64 bytes; DOEPCTL0 follows it), the turnaround
        // time for that speed, the global IN NAK released, EP0 OUT ready for SETUPs.
        private void OnEnumerationDone()
        {
            uint enumerated = (Read(Dsts) >> EnumeratedSpeedShift) & 3;
            UsbSpeed speed = enumerated == EnumeratedHighSpeed ? UsbSpeed.High : UsbSpeed.Full;
            _speed = speed;
            _bus.Write32(Diepctl(0), Read(Diepctl(0)) & ~(CommandBits | MaxPacketMask));
            uint turnaround = speed == UsbSpeed.High ? TurnaroundHighSpeed : TurnaroundFullSpeed;
            _bus.Write32(Gusbcfg, (Read(Gusbcfg) & ~TurnaroundMask) | (turnaround << TurnaroundShift));
            _bus.Write32(Dctl, (Read(Dctl) & ~(SetGlobalOutNak | ClearGlobalOutNak)) | ClearGlobalInNak);
            ArmSetup();
            Record(UsbEventKind.EnumerationDone, 0, 0, speed);
        }

        private void OnInEndpoints(uint pending)
        {
            uint mask = Read(Diepmsk);
            for (int n = 0; n < Endpoints; n++)
            {
                if ((pending & (1u << n)) == 0) continue;
                uint flags = Read(Diepint(n)) & mask;
                _bus.Write32(Diepint(n), flags);
                if ((flags & TransferComplete) != 0 && _inBusy[n])
                {
                    _inBusy[n] = false;
                    Record(UsbEventKind.InComplete, (byte)(0x80 | n), 0);
                }
            }
        }

        private void OnOutEndpoints(uint pending)
        {
            uint mask = Read(Doepmsk);
            for (int n = 0; n < Endpoints; n++)
            {
                if ((pending & (1u << n)) == 0) continue;
                uint raw = Read(Doepint(n));
                uint flags = raw & (mask | StatusPhaseReceived | SetupPacketReceived);
                _bus.Write32(Doepint(n), flags);

                // In buffer DMA mode the DMA writing a SETUP packet also ends the EP0 OUT
                // "transfer" (XFRC with STPKTRX): that is not data.
                bool data = (flags & TransferComplete) != 0 && (n != 0 || (flags & SetupPacketReceived) == 0);
                if (data && _outArmed[n])
                {
                    uint remaining = Read(Doeptsiz(n)) & (n == 0 ? Ep0TransferSizeMask : TransferSizeMask);
                    int received = _outLength[n] - (int)remaining;
                    if (received < 0) received = 0;
                    _outArmed[n] = false;
                    if (n == 0)
                    {
                        if (Record(UsbEventKind.OutComplete, 0, received)) _ep0OutUntaken = true;
                        if ((flags & SetupDone) == 0) ArmSetup();
                    }
                    else
                    {
                        // Back to NAK until the next ArmOut (a packet the core already took waits
                        // in the RX FIFO for EPENA).
                        Command(Doepctl(n), SetNak);
                        Record(UsbEventKind.OutComplete, (byte)n, received);
                    }
                }
                if (n == 0 && (flags & SetupDone) != 0) OnSetup();
            }
        }

        // RM0410 41 OTG_DOEPINTx STUP: the SETUP phase is over (no more back-to-back SETUPs). The
        // DMA wrote the packet where DOEPDMA0 pointed and advanced it by 8: the last SETUP is the
        // 8 bytes before DOEPDMA0 (in the SETUP area, or in the EP0 data area when EP0 OUT was
        // armed for a data stage). Any EP0 transfer still in flight is abandoned; the core has
        // already cleared an EP0 STALL.
        private void OnSetup()
        {
            uint at = Read(Doepdma(0)) - 8;
            if (at < _ep0Block || at > _ep0Block + Ep0BlockBytes - 8) at = _setupArea;
            ulong setup = _bus.Read32(at) | (ulong)_bus.Read32(at + 4) << 32;

            if (_inBusy[0])
            {
                _inBusy[0] = false;
                uint control = Read(Diepctl(0));
                if ((control & Enable) != 0)
                {
                    _bus.Write32(Diepctl(0), (control & ~CommandBits) | SetNak | Disable);
                    _ep0InAbandoned = true; // StartIn(0x80) finishes the job (wait, flush)
                }
            }
            _outArmed[0] = false;
            ArmSetup();
            Record(UsbEventKind.Setup, 0, 0, UsbSpeed.Unknown, setup);
        }

        // EP0 OUT ready for up to three back-to-back SETUPs into the SETUP area (RM0410 41
        // OTG_DOEPTSIZ0 STUPCNT; in DMA mode XFRSIZ 3 x 8, PKTCNT 1 and EPENA). No CNAK: data
        // OUT tokens are NAKed until ArmOut; SETUPs are always accepted.
        private void ArmSetup()
        {
            _bus.Write32(Doeptsiz(0), ThreeSetups | (1u << PacketCountShift) | (uint)SetupAreaBytes);
            _bus.Write32(Doepdma(0), _setupArea);
            Command(Doepctl(0), Enable);
        }

        private bool Record(UsbEventKind kind, byte endpoint, int length, UsbSpeed speed = UsbSpeed.Unknown, ulong setup = 0)
        {
            int head = _head;
            int next = (head + 1) & (EventCapacity - 1);
            bool stored = next != _tail;
            if (stored)
            {
                _events[head].Kind = kind;
                _events[head].Endpoint = endpoint;
                _events[head].Speed = speed;
                _events[head].Length = length;
                _events[head].Setup = setup;
                _head = next;
            }
            else
            {
                _overflows++;
            }
            _scheduler.Signal(_taskId);
            return stored;
        }

        // RM0410 41 "Data FIFO RAM allocation": GRXFSIZ RXFD, then each TX FIFO's start (words)
        // and depth (TX0FSA/TX0FD, INEPTXSA/INEPTXFD), one after the other.
        private void ProgramFifos()
        {
            uint start = RxFifoWords;
            _bus.Write32(Grxfsiz, RxFifoWords);
            for (int n = 0; n < Endpoints; n++)
            {
                uint depth = (uint)TxFifoWords(n);
                _bus.Write32(n == 0 ? Dieptxf0 : Dieptxf1 + (uint)(n - 1) * 4, (depth << 16) | start);
                start += depth;
            }
        }

        public static int TxFifoWords(int endpoint) => TxFifoWordsBy16[endpoint] * 16;

        private bool FlushTxFifo(uint fifo)
        {
            if (!WaitForSet(Grstctl, AhbIdle, FlushPolls)) return false;
            _bus.Write32(Grstctl, TxFifoFlush | (fifo << TxFifoNumberShift));
            return WaitForClear(Grstctl, TxFifoFlush, FlushPolls);
        }

        private bool FlushRxFifo()
        {
            _bus.Write32(Grstctl, RxFifoFlush);
            return WaitForClear(Grstctl, RxFifoFlush, FlushPolls);
        }

        // A command (SNAK, CNAK, EPENA, EPDIS, SD0PID) on an endpoint control register, the
        // configuration bits kept and no stale command written back.
        private void Command(uint control, uint bits) => _bus.Write32(control, (Read(control) & ~CommandBits) | bits);

        private void MaskInterrupt() => _bus.Write32(Gahbcfg, _ahbConfig & ~GlobalInterruptUnmask);

        private void UnmaskInterrupt() => _bus.Write32(Gahbcfg, _ahbConfig);

        private static uint Diepctl(int n) => Diepctl0 + (uint)n * EndpointStride;
        private static uint Diepint(int n) => Diepint0 + (uint)n * EndpointStride;
        private static uint Dieptsiz(int n) => Dieptsiz0 + (uint)n * EndpointStride;
        private static uint Diepdma(int n) => Diepdma0 + (uint)n * EndpointStride;
        private static uint Doepctl(int n) => Doepctl0 + (uint)n * EndpointStride;
        private static uint Doepint(int n) => Doepint0 + (uint)n * EndpointStride;
        private static uint Doeptsiz(int n) => Doeptsiz0 + (uint)n * EndpointStride;
        private static uint Doepdma(int n) => Doepdma0 + (uint)n * EndpointStride;

        // OTG_DAINT / OTG_DAINTMSK: IN endpoints in bits 15:0, OUT endpoints in bits 31:16.
        private static uint EndpointBit(int n, bool isIn) => isIn ? 1u << n : 1u << (16 + n);

        // The bus address of buffer[offset]. On the device: the element's address (arrays never
        // move). The host tests pin their buffers and their fake bus maps the address back.
        private static unsafe uint BusAddressOf(byte[] buffer, int offset)
        {
            fixed (byte* start = buffer) return (uint)(start + offset);
        }

        // Registers are read as whole words, once, through a call ilc does not inline (it would
        // narrow a masked read to ldrb/ldrh; RM0410 defines the OTG registers as 32-bit words).
        [MethodImpl(MethodImplOptions.NoInlining)]
        private uint Read(uint address) => _bus.Read32(address);

        private bool WaitForSet(uint address, uint bits, int polls)
        {
            for (int i = 0; i < polls; i++)
                if ((Read(address) & bits) == bits) return true;
            return false;
        }

        private bool WaitForClear(uint address, uint bits, int polls)
        {
            for (int i = 0; i < polls; i++)
                if ((Read(address) & bits) == 0) return true;
            return false;
        }
    }
}
