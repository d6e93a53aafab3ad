using System;
using System.Collections.Generic;
using ChargePoint.Drivers;

namespace ChargePoint.Tests.Drivers
{
    // A register-level model of the STM32F76x/77x embedded flash interface and its 2 MB array
    // (RM0410 rev 5 chapter 3), in the single-bank organisation (nDBANK = 1), behind
    // IRegisterBus. Written from the manual, not from Stm32Flash: FLASH_KEYR, FLASH_SR, FLASH_CR
    // and FLASH_OPTCR do what RM0410 3.7 says, and the array is programmed and erased as 3.3
    // describes:
    // - FLASH_CR is locked after reset; KEY1 then KEY2 into FLASH_KEYR unlock it; any other
    //   write to FLASH_KEYR is a bus error and keeps it locked until Reset(). Writes to a locked
    //   FLASH_CR are ignored except LOCK itself.
    // - A store to the array with FLASH_CR not set up for programming (PG clear, or locked) sets
    //   ERSERR (the SVD's PGSERR) and programs nothing; one whose size differs from PSIZE sets
    //   PGPERR (the bus here only makes 32-bit stores, so any PSIZE but x32); one into a
    //   write-protected sector (nWRP bit clear) sets WRPERR. A word that is not erased is
    //   programmed anyway, bits going only from 1 to 0, with no error flag (RM0410: successive
    //   programming is possible as long as bits only change from 1 to 0).
    // - SER + SNB + STRT erases that sector (WRPERR if it is write-protected); STRT is cleared
    //   with BSY.
    // - SR's error flags and EOP are cleared by writing 1; EOP is set only with EOPIE, OPERR
    //   only with ERRIE.
    //
    // What the model adds, and why:
    // - Time is counted in reads of FLASH_SR: BSY stays set for ProgramBusyReads (a word) or
    //   EraseBusyReads (a sector) reads, and forever with StuckBusy. A read of the array while
    //   busy completes the operation first (the CPU's read stalls until the array is free); with
    //   StuckBusy it throws, as the CPU would never get its data.
    // - Where the driver breaks a rule the manual states, or would (FLASH_CR or the array
    //   written while BSY, keys written while unlocked, mass erase), the model throws rather
    //   than guess what the hardware does.
    public sealed class FakeStm32FlashBus : IRegisterBus
    {
        public const uint InterfaceBase = 0x40023C00; // RM0410 2.2.2 (STM32F7x9.svd: Flash)
        public const uint ACR = 0x00, KEYR = 0x04, OPTKEYR = 0x08, SR = 0x0C, CR = 0x10, OPTCR = 0x14, OPTCR1 = 0x18;

        public const uint Key1 = 0x45670123, Key2 = 0xCDEF89AB;

        // FLASH_CR (STM32F7x9.svd)
        public const uint CrPg = 1u << 0, CrSer = 1u << 1, CrMer = 1u << 2, CrMer1 = 1u << 15, CrStrt = 1u << 16,
            CrEopie = 1u << 24, CrErrie = 1u << 25, CrLock = 1u << 31;
        public const int SnbShift = 3, PsizeShift = 8;
        public const uint SnbMask = 0x1Fu << SnbShift, PsizeMask = 3u << PsizeShift;
        public const uint PsizeX8 = 0, PsizeX16 = 1, PsizeX32 = 2, PsizeX64 = 3;
        // FLASH_SR
        public const uint SrEop = 1u << 0, SrOperr = 1u << 1, SrWrperr = 1u << 4, SrPgaerr = 1u << 5, SrPgperr = 1u << 6,
            SrErserr = 1u << 7, SrBsy = 1u << 16;
        private const uint SrWriteOneToClear = SrEop | SrOperr | SrWrperr | SrPgaerr | SrPgperr | SrErserr;
        // FLASH_OPTCR
        public const uint OptcrNdbank = 1u << 29;
        public const int NwrpShift = 16;
        // The option bytes as they leave the factory (RDP level 0 0xAA, nothing write-protected,
        // single bank). Only nDBANK and nWRP matter to the model.
        public const uint OptcrFactory = 0xFFFFAAFD;

        public const uint FlashBase = 0x08000000;
        public const int FlashBytes = 2 * 1024 * 1024;
        public const int SectorCount = 12;

        private readonly byte[] _array = new byte[FlashBytes];
        private uint _cr = CrLock;
        private uint _sr;
        private uint _optcr = OptcrFactory;
        private int _keyStage;
        private bool _lockedUntilReset;

        private enum Operation { None, Program, Erase }
        private Operation _pending;
        private int _busyReadsLeft;
        private uint _programAddress;
        private uint _programValue;
        private int _eraseSector;

        public FakeStm32FlashBus()
        {
            _array.AsSpan().Fill(0xFF);
        }

        public int ProgramBusyReads { get; set; } = 2;
        public int EraseBusyReads { get; set; } = 5;
        public bool StuckBusy { get; set; }

        // What happened, for the tests.
        public readonly List<int> ErasedSectors = new List<int>();
        public readonly List<uint> KeyWrites = new List<uint>();
        public int BusErrors { get; private set; }
        public int WordsProgrammed { get; private set; }
        public int NonErasedWordsProgrammed { get; private set; }
        public int ControlWrites { get; private set; }
        public int IgnoredControlWrites { get; private set; }
        public int BusyStatusReads { get; private set; }
        public int Barriers { get; private set; }

        public bool IsLocked => (_cr & CrLock) != 0;
        public bool IsBusy => _pending != Operation.None;
        public uint Status => _sr;
        public uint Control => _cr;

        // Start address and size of a sector in the single-bank map (RM0410 3.3.1).
        public static uint SectorAddress(int sector) =>
            sector < 4 ? FlashBase + (uint)sector * 0x8000
            : sector == 4 ? 0x08020000
            : 0x08040000 + (uint)(sector - 5) * 0x40000;

        public static int SectorSize(int sector) => sector < 4 ? 0x8000 : sector == 4 ? 0x20000 : 0x40000;

        public Span<byte> SectorBytes(int sector) =>
            new Span<byte>(_array, (int)(SectorAddress(sector) - FlashBase), SectorSize(sector));

        public void WriteProtect(int sector) => _optcr &= ~(1u << (NwrpShift + sector));

        public void SetDualBank() => _optcr &= ~OptcrNdbank;

        // A system reset: registers to their reset values, the option bytes reloaded as they are.
        public void Reset()
        {
            _cr = CrLock;
            _sr = 0;
            _keyStage = 0;
            _lockedUntilReset = false;
            _pending = Operation.None;
        }

        public uint Read32(uint address)
        {
            if (IsArray(address, 4))
            {
                FinishOperation();
                return BitConverter.ToUInt32(_array, (int)(address - FlashBase));
            }
            switch (Register(address))
            {
                case ACR: return 0;
                case KEYR: return 0; // write-only
                case OPTKEYR: return 0;
                case SR: return ReadStatus();
                case CR: return _cr;
                case OPTCR: return _optcr;
                case OPTCR1: return 0x00400080; // BOOT_ADD0/1 reset values (SVD); unused
                default: throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X8} is not a modelled FLASH register or flash address");
            }
        }

        public void Write32(uint address, uint value)
        {
            if (IsArray(address, 4))
            {
                Program(address, value);
                return;
            }
            switch (Register(address))
            {
                case KEYR: WriteKey(value); break;
                case SR: _sr &= ~(value & SrWriteOneToClear); break;
                case CR: WriteControl(value); break;
                case ACR: case OPTKEYR: case OPTCR: case OPTCR1:
                    throw new NotSupportedException($"the model does not take writes to FLASH register 0x{address:X8}");
                default: throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X8} is not a modelled FLASH register or flash address");
            }
        }

        public void CopyOut(uint address, Span<byte> destination)
        {
            if (!IsArray(address, destination.Length)) throw new ArgumentOutOfRangeException(nameof(address));
            FinishOperation();
            new ReadOnlySpan<byte>(_array, (int)(address - FlashBase), destination.Length).CopyTo(destination);
        }

        public void CopyIn(uint address, ReadOnlySpan<byte> data) =>
            throw new NotSupportedException("flash is programmed through FLASH_CR.PG and 32-bit stores, not block copies");

        public uint AllocateDma(int bytes, int alignment) => throw new NotSupportedException("no DMA memory in the flash model");

        public void MemoryBarrier() => Barriers++;

        private static bool IsArray(uint address, int length) =>
            address >= FlashBase && length >= 0 && address - FlashBase <= (uint)(FlashBytes - length);

        private static uint Register(uint address) =>
            address >= InterfaceBase && address < InterfaceBase + 0x400 ? address - InterfaceBase : uint.MaxValue;

        private uint ReadStatus()
        {
            if (_pending != Operation.None)
            {
                if (StuckBusy || _busyReadsLeft > 0)
                {
                    if (!StuckBusy) _busyReadsLeft--;
                    BusyStatusReads++;
                    return _sr | SrBsy;
                }
                FinishOperation();
            }
            return _sr;
        }

        private void WriteKey(uint value)
        {
            KeyWrites.Add(value);
            if (_lockedUntilReset)
            {
                BusErrors++;
                return;
            }
            if (!IsLocked) throw new NotSupportedException("FLASH_KEYR written while FLASH_CR is unlocked: not modelled");
            if (_keyStage == 0 && value == Key1)
            {
                _keyStage = 1;
                return;
            }
            if (_keyStage == 1 && value == Key2)
            {
                _keyStage = 0;
                _cr &= ~CrLock;
                return;
            }
            // RM0410 3.3.4: a wrong sequence is a bus error and locks FLASH_CR until the next reset.
            _keyStage = 0;
            _lockedUntilReset = true;
            BusErrors++;
        }

        private void WriteControl(uint value)
        {
            if (_pending != Operation.None) throw new InvalidOperationException("FLASH_CR written while BSY is set");
            ControlWrites++;
            if (IsLocked)
            {
                // Only setting LOCK again means anything while locked.
                if (value != (value & CrLock) || (value & CrLock) == 0) IgnoredControlWrites++;
                return;
            }
            if ((value & (CrMer | CrMer1)) != 0) throw new NotSupportedException("mass erase is not modelled");
            uint previous = _cr;
            _cr = value & ~CrStrt;
            if ((value & CrStrt) == 0 || (previous & CrStrt) != 0) return;
            if ((value & CrSer) == 0) throw new NotSupportedException("STRT without SER (or MER) is not modelled");
            int sector = (int)((value & SnbMask) >> SnbShift);
            if (sector >= SectorCount) throw new NotSupportedException($"SNB {sector} does not exist in single-bank mode");
            if (IsWriteProtected(sector))
            {
                SetError(SrWrperr);
                return;
            }
            _cr |= CrStrt;
            _eraseSector = sector;
            _pending = Operation.Erase;
            _busyReadsLeft = EraseBusyReads;
        }

        private void Program(uint address, uint value)
        {
            if (_pending != Operation.None) throw new InvalidOperationException("flash array written while BSY is set");
            if ((address & 3) != 0) throw new NotSupportedException("unaligned stores to the array are not modelled");
            if (IsLocked || (_cr & CrPg) == 0)
            {
                SetError(SrErserr);
                return;
            }
            if ((_cr & PsizeMask) >> PsizeShift != PsizeX32)
            {
                SetError(SrPgperr);
                return;
            }
            if (IsWriteProtected(SectorOf(address)))
            {
                SetError(SrWrperr);
                return;
            }
            _programAddress = address;
            _programValue = value;
            _pending = Operation.Program;
            _busyReadsLeft = ProgramBusyReads;
        }

        private void FinishOperation()
        {
            if (_pending != Operation.None && StuckBusy)
                throw new InvalidOperationException("the array is read while BSY never clears: the CPU would stall for good");
            switch (_pending)
            {
                case Operation.Program:
                    int at = (int)(_programAddress - FlashBase);
                    uint old = BitConverter.ToUInt32(_array, at);
                    if (old != 0xFFFFFFFF) NonErasedWordsProgrammed++;
                    BitConverter.GetBytes(old & _programValue).CopyTo(_array, at);
                    WordsProgrammed++;
                    break;
                case Operation.Erase:
                    SectorBytes(_eraseSector).Fill(0xFF);
                    ErasedSectors.Add(_eraseSector);
                    _cr &= ~CrStrt;
                    break;
                default:
                    return;
            }
            _pending = Operation.None;
            if ((_cr & CrEopie) != 0) _sr |= SrEop;
        }

        private void SetError(uint flag)
        {
            _sr |= flag;
            if ((_cr & CrErrie) != 0) _sr |= SrOperr;
        }

        private bool IsWriteProtected(int sector) => ((_optcr >> (NwrpShift + sector)) & 1) == 0;

        private static int SectorOf(uint address)
        {
            for (int sector = SectorCount - 1; sector >= 0; sector--)
                if (address >= SectorAddress(sector)) return sector;
            return 0;
        }
    }
}
