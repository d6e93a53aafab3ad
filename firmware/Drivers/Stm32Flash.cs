using System;
using ChargePoint.Core.Storage;

namespace ChargePoint.Drivers
{
    // One sector of the STM32F769's internal flash as an IRecordStorage (RM0410 rev 5 chapter 3
    // "Embedded Flash memory (FLASH)"): erase, 32-bit programming, reads of the array. Register
    // addresses and bit positions from ST's register map (STM32F7x9.svd, peripheral Flash),
    // behaviour from RM0410. Every register access and every read of the array goes through
    // IRegisterBus, so the host tests run this code against a model of the controller and the
    // array (FakeStm32FlashBus).
    //
    // Sector map (RM0410 3.3.1, the single-bank organisation of the 2 MB devices, nDBANK = 1, the
    // factory setting): sectors 0-3 are 32 KB from 0x08000000, sector 4 is 128 KB at 0x08020000,
    // sectors 5-11 are 256 KB each from 0x08040000, so sector 10 is 0x08180000-0x081BFFFF and
    // sector 11 is 0x081C0000-0x081FFFFF. The image starts in sector 0 (some 20 KB of it); sector
    // 11 holds the read-only configuration block `make flash` writes; sector 10 is where the
    // configuration records go (RecordSector), and sector 9 is free for a second region
    // (SpareSector) while the image stays below 0x08140000. In dual-bank mode (nDBANK = 0) the
    // same addresses are 128 KB sectors of bank 2 with other numbers: the driver checks
    // FLASH_OPTCR at construction and refuses to work then.
    //
    // Programming and erasing stall every read of the flash, instruction fetches included: the
    // code runs from this flash, and reading one part while another is written is possible only
    // in dual-bank mode (RM0410 3.3, read-while-write). The CPU, and with it every interrupt
    // handler that lives in flash, waits. A 32-bit word takes some 16 us; a 256 KB sector erase
    // takes on the order of 1-2 s (DS11532 flash characteristics). Records are written word by
    // word as they come; the erase happens only when the RecordLog compacts. The D-cache is off
    // in this image; if it is ever turned on, the sector's lines need invalidating after an
    // erase or a program.
    //
    // Not used: the EOP/error interrupts (the waits poll BSY), x64 parallelism (needs VPP),
    // mass erase, option bytes (read only, never programmed).
    public sealed class Stm32Flash : IRecordStorage
    {
        public const uint InterfaceBase = 0x40023C00; // RM0410 2.2.2 memory map: Flash interface registers
        private const uint KeyRegister = InterfaceBase + 0x04;     // RM0410 3.7.2 FLASH_KEYR
        private const uint StatusRegister = InterfaceBase + 0x0C;  // RM0410 3.7.4 FLASH_SR
        private const uint ControlRegister = InterfaceBase + 0x10; // RM0410 3.7.5 FLASH_CR
        private const uint OptionControl = InterfaceBase + 0x14;   // RM0410 3.7.6 FLASH_OPTCR

        // RM0410 3.3.4 "Unlocking the Flash control register": KEY1 then KEY2 into FLASH_KEYR.
        // Any other write (a wrong value, the wrong order) is answered with a bus error and
        // keeps FLASH_CR locked until the next reset.
        private const uint Key1 = 0x45670123;
        private const uint Key2 = 0xCDEF89AB;

        // FLASH_CR
        private const uint ControlProgram = 1u << 0;     // PG
        private const uint ControlSectorErase = 1u << 1; // SER
        private const int ControlSectorShift = 3;        // SNB, bits 7:3
        private const uint ControlSize32 = 2u << 8;      // PSIZE = 10: x32, for VDD 2.7-3.6 V (RM0410 3.3.5)
        private const uint ControlStart = 1u << 16;      // STRT: cleared by hardware with BSY
        private const uint ControlLock = 1u << 31;       // LOCK: set by software, cleared by the key sequence

        // FLASH_SR: the error flags are cleared by writing 1 (rc_w1).
        private const uint StatusOperationError = 1u << 1;   // OPERR (only with ERRIE, not used)
        private const uint StatusWriteProtection = 1u << 4;  // WRPERR: the sector is write-protected
        private const uint StatusAlignment = 1u << 5;        // PGAERR
        private const uint StatusParallelism = 1u << 6;      // PGPERR: access size differs from PSIZE
        // ERSERR in RM0410 ("erase sequence error": a write to the array while FLASH_CR is not set
        // up for it); the SVD names this bit PGSERR.
        private const uint StatusSequence = 1u << 7;
        private const uint StatusBusy = 1u << 16;            // BSY
        private const uint StatusEndOfOperation = 1u << 0;   // EOP (only with EOPIE, not used)
        private const uint StatusErrors = StatusOperationError | StatusWriteProtection | StatusAlignment
            | StatusParallelism | StatusSequence;

        // FLASH_OPTCR, loaded from the option bytes at reset.
        private const uint OptionSingleBank = 1u << 29;      // nDBANK
        private const int OptionWriteProtectShift = 16;      // nWRP[11:0]: 0 = sector write-protected

        public const int RecordSector = 10;
        public const int SpareSector = 9;
        private const int FirstLargeSector = 5;              // the first 256 KB sector
        private const int LastRecordSector = 10;             // sector 11 is the configuration block
        private const uint FirstLargeSectorAddress = 0x08040000;
        public const int SectorBytes = 256 * 1024;

        private const uint Erased = 0xFFFFFFFF;
        private const int WordBytes = 4;

        // Bounds for the BSY waits, in polls of FLASH_SR. While the array is busy the CPU stalls
        // on its next instruction fetch from flash, so few polls actually run; the bounds only
        // have to exceed the longest operation at the fastest poll: a word (~100 us at most) and
        // a sector erase (seconds) at a few cycles per poll and 216 MHz, with a wide margin.
        public const int DefaultProgramPolls = 1000000;
        public const int DefaultErasePolls = 400000000;

        private enum Fault
        {
            None, NotARecordSector, DualBank, LockedUntilReset, Busy,
            WriteProtected, Sequence, Parallelism, Alignment, Operation, Verify,
        }

        private readonly IRegisterBus _bus;
        private readonly int _sector;
        private readonly uint _address;
        private readonly int _programPolls;
        private readonly int _erasePolls;
        private Fault _fault;
        private bool _unusable;   // NotARecordSector, DualBank, LockedUntilReset: no erase or write will work
        private bool _unreadable; // NotARecordSector, DualBank: the sector is not where Size says

        // Boot only. `sector` one of the 256 KB sectors 5..10 (RecordSector, SpareSector).
        public Stm32Flash(IRegisterBus bus, int sector = RecordSector,
            int programPolls = DefaultProgramPolls, int erasePolls = DefaultErasePolls)
        {
            _bus = bus;
            _sector = sector;
            _programPolls = programPolls;
            _erasePolls = erasePolls;
            if (sector < FirstLargeSector || sector > LastRecordSector)
            {
                Refuse(Fault.NotARecordSector);
                _unreadable = true;
                return;
            }
            _address = FirstLargeSectorAddress + (uint)(sector - FirstLargeSector) * SectorBytes;
            if ((bus.Read32(OptionControl) & OptionSingleBank) == 0)
            {
                Refuse(Fault.DualBank);
                _unreadable = true;
            }
        }

        public int Size => SectorBytes;
        public int Sector => _sector;
        public uint Address => _address;

        // The option bytes write-protect the sector (its nWRP bit clear): every Erase and Write
        // will end in WRPERR. For a boot-time log line.
        public bool IsWriteProtected =>
            !_unreadable && ((_bus.Read32(OptionControl) >> (OptionWriteProtectShift + _sector)) & 1) == 0;

        public int Erases { get; private set; }
        public int WordsProgrammed { get; private set; }
        public int Failures { get; private set; }
        // Writes refused by the IRecordStorage rules (not whole words, outside, not erased),
        // before the controller was touched.
        public int RefusedWrites { get; private set; }

        // Why the last operation failed (empty while none has).
        public ReadOnlySpan<byte> Failure
        {
            get
            {
                switch (_fault)
                {
                    case Fault.NotARecordSector: return "stm32flash: not a record sector (the 256 KB sectors 5..10)"u8;
                    case Fault.DualBank: return "stm32flash: dual-bank mode (FLASH_OPTCR nDBANK = 0): another sector map, not used"u8;
                    case Fault.LockedUntilReset: return "stm32flash: FLASH_CR stays locked (a wrong key sequence locks it until reset)"u8;
                    case Fault.Busy: return "stm32flash: BSY did not clear in time"u8;
                    case Fault.WriteProtected: return "stm32flash: WRPERR, the sector is write-protected (nWRP)"u8;
                    case Fault.Sequence: return "stm32flash: ERSERR, programming sequence error"u8;
                    case Fault.Parallelism: return "stm32flash: PGPERR, access size differs from PSIZE"u8;
                    case Fault.Alignment: return "stm32flash: PGAERR, programming alignment error"u8;
                    case Fault.Operation: return "stm32flash: OPERR, operation error"u8;
                    case Fault.Verify: return "stm32flash: read back differs from what was programmed"u8;
                    default: return ReadOnlySpan<byte>.Empty;
                }
            }
        }

        public bool Read(int offset, Span<byte> destination)
        {
            if (_unreadable || !InRange(offset, destination.Length)) return false;
            _bus.CopyOut(_address + (uint)offset, destination);
            return true;
        }

        // RM0410 3.3.7 "Flash programming sequence": BSY clear, PG set (with PSIZE), the words
        // written to the array, BSY polled after each. The hardware would program a word that is
        // not erased (bits only go from 1 to 0, no error flag); the IRecordStorage contract
        // refuses it here, before anything is programmed.
        public bool Write(int offset, ReadOnlySpan<byte> data)
        {
            if (_unusable) return false;
            if (!InRange(offset, data.Length) || (offset & (WordBytes - 1)) != 0 || (data.Length & (WordBytes - 1)) != 0)
            {
                RefusedWrites++;
                return false;
            }
            uint start = _address + (uint)offset;
            for (int at = 0; at < data.Length; at += WordBytes)
            {
                if (_bus.Read32(start + (uint)at) != Erased)
                {
                    RefusedWrites++;
                    return false;
                }
            }
            if (data.Length == 0) return true;
            if (!Begin()) return false;

            _bus.Write32(ControlRegister, ControlSize32 | ControlProgram);
            bool written = true;
            for (int at = 0; at < data.Length && written; at += WordBytes)
            {
                uint word = data[at] | (uint)data[at + 1] << 8 | (uint)data[at + 2] << 16 | (uint)data[at + 3] << 24;
                uint address = start + (uint)at;
                _bus.Write32(address, word);
                // The store reaches the controller before BSY is read.
                _bus.MemoryBarrier();
                // Still busy after the bound: FLASH_CR is not written while BSY is set, so it is
                // left as it is (unlocked, PG set) for the next operation's wait to find.
                if (!WaitWhileBusy(_programPolls)) return Fail(Fault.Busy);
                written = CheckErrors();
                if (written && _bus.Read32(address) != word) written = Fail(Fault.Verify);
                if (written) WordsProgrammed++;
            }
            End();
            return written;
        }

        // RM0410 3.3.6 "Sector Erase": BSY clear, SER and SNB set, then STRT; BSY clears when the
        // sector reads 0xFF. The result is checked word by word.
        public bool Erase()
        {
            if (_unusable || !Begin()) return false;
            uint select = ControlSize32 | ControlSectorErase | (uint)_sector << ControlSectorShift;
            _bus.Write32(ControlRegister, select);
            _bus.Write32(ControlRegister, select | ControlStart);
            _bus.MemoryBarrier();
            if (!WaitWhileBusy(_erasePolls)) return Fail(Fault.Busy);
            bool erased = CheckErrors();
            End();
            if (!erased) return false;
            Erases++;
            for (int at = 0; at < SectorBytes; at += WordBytes)
                if (_bus.Read32(_address + (uint)at) != Erased) return Fail(Fault.Verify);
            return true;
        }

        // Unlocked, idle, no error flags left from before.
        private bool Begin()
        {
            if ((_bus.Read32(ControlRegister) & ControlLock) != 0)
            {
                _bus.Write32(KeyRegister, Key1);
                _bus.Write32(KeyRegister, Key2);
                if ((_bus.Read32(ControlRegister) & ControlLock) != 0)
                {
                    Refuse(Fault.LockedUntilReset); // another key write would be another bus error
                    return false;
                }
            }
            if (!WaitWhileBusy(_programPolls)) return Fail(Fault.Busy);
            _bus.Write32(StatusRegister, StatusErrors | StatusEndOfOperation);
            return true;
        }

        // PG and SER off, FLASH_CR locked again: a stray store to the array cannot program it.
        private void End() => _bus.Write32(ControlRegister, ControlLock);

        private bool WaitWhileBusy(int polls)
        {
            for (int i = 0; i < polls; i++)
                if ((_bus.Read32(StatusRegister) & StatusBusy) == 0) return true;
            return false;
        }

        // The error flags of the operation that just finished, cleared (write 1) once read.
        private bool CheckErrors()
        {
            uint status = _bus.Read32(StatusRegister) & StatusErrors;
            if (status == 0) return true;
            _bus.Write32(StatusRegister, status);
            if ((status & StatusWriteProtection) != 0) return Fail(Fault.WriteProtected);
            if ((status & StatusSequence) != 0) return Fail(Fault.Sequence);
            if ((status & StatusParallelism) != 0) return Fail(Fault.Parallelism);
            if ((status & StatusAlignment) != 0) return Fail(Fault.Alignment);
            return Fail(Fault.Operation);
        }

        private bool Fail(Fault fault)
        {
            _fault = fault;
            Failures++;
            return false;
        }

        private void Refuse(Fault fault)
        {
            _unusable = true;
            Fail(fault);
        }

        private static bool InRange(int offset, int length) =>
            offset >= 0 && length >= 0 && offset <= SectorBytes - length;
    }
}
