using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.Storage;
using ChargePoint.Drivers;
using Xunit;
using F = ChargePoint.Tests.Drivers.FakeStm32FlashBus;

namespace ChargePoint.Tests.Drivers
{
    // Stm32Flash against the register-level model of the flash interface and its array
    // (FakeStm32FlashBus), then the model itself on the misuse the driver must avoid.
    public class Stm32FlashTests
    {
        private readonly F _bus = new F();

        private static string Text(ReadOnlySpan<byte> text) => Encoding.UTF8.GetString(text);

        private static byte[] Words(params uint[] words) => words.SelectMany(BitConverter.GetBytes).ToArray();

        // The sectors around the record sector hold something that must survive: the image's
        // neighbourhood (sector 9) and the configuration block (sector 11).
        private void FillNeighbours()
        {
            _bus.SectorBytes(9).Fill(0x99);
            _bus.SectorBytes(11).Fill(0x11);
        }

        private static bool All(Span<byte> bytes, byte value)
        {
            foreach (byte b in bytes) if (b != value) return false;
            return true;
        }

        [Fact]
        public void Sector_10_is_the_256_KiB_sector_at_0x08180000_below_the_configuration_block()
        {
            var flash = new Stm32Flash(_bus);
            Assert.Equal(10, flash.Sector);
            Assert.Equal(0x08180000u, flash.Address);
            Assert.Equal(256 * 1024, flash.Size);
            Assert.Equal(F.SectorAddress(10), flash.Address);
            Assert.Equal(F.SectorSize(10), flash.Size);
            Assert.Equal(0x081C0000u, F.SectorAddress(11)); // where `make flash` puts the block
            Assert.Equal(0x08140000u, new Stm32Flash(_bus, Stm32Flash.SpareSector).Address);
            Assert.True(flash.Failure.IsEmpty);
            Assert.Equal(0, _bus.ControlWrites); // construction only reads FLASH_OPTCR
        }

        [Fact]
        public void Erase_unlocks_with_both_keys_erases_exactly_its_sector_and_locks_again()
        {
            FillNeighbours();
            _bus.SectorBytes(10).Fill(0x00);
            var flash = new Stm32Flash(_bus);

            Assert.True(flash.Erase());
            Assert.Equal(new[] { 10 }, _bus.ErasedSectors);
            Assert.Equal(new[] { F.Key1, F.Key2 }, _bus.KeyWrites);
            Assert.True(All(_bus.SectorBytes(10), 0xFF));
            Assert.True(All(_bus.SectorBytes(9), 0x99));
            Assert.True(All(_bus.SectorBytes(11), 0x11));
            Assert.True(_bus.IsLocked);
            Assert.Equal(F.CrLock, _bus.Control); // SER, SNB and PSIZE cleared with the lock
            Assert.True(_bus.BusyStatusReads >= _bus.EraseBusyReads);
            Assert.Equal(0, _bus.BusErrors);
            Assert.Equal(1, flash.Erases);
        }

        [Fact]
        public void Write_programs_32_bit_words_waiting_out_BSY_after_each_and_reads_them_back()
        {
            var flash = new Stm32Flash(_bus);
            byte[] data = Words(0x11223344, 0xA5A5A5A5, 0x00000000);
            Assert.True(flash.Write(8, data));

            Assert.Equal(3, _bus.WordsProgrammed);
            Assert.Equal(3 * _bus.ProgramBusyReads, _bus.BusyStatusReads);
            Assert.True(_bus.Barriers >= 3);
            Assert.True(_bus.IsLocked);
            Assert.Equal(data, _bus.SectorBytes(10).Slice(8, 12).ToArray());
            var read = new byte[16];
            Assert.True(flash.Read(4, read));
            Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }.Concat(data).ToArray(), read);
            Assert.Equal(3, flash.WordsProgrammed);
            Assert.Equal(0u, _bus.Status & (F.SrErserr | F.SrPgperr | F.SrWrperr));
        }

        [Fact]
        public void Writing_over_a_programmed_word_is_refused_before_the_controller_is_touched()
        {
            var flash = new Stm32Flash(_bus);
            Assert.True(flash.Write(0, Words(0xFFFF0000)));
            int keys = _bus.KeyWrites.Count, controls = _bus.ControlWrites;

            // The hardware would take it (bits 1 -> 0) without an error; the storage contract does not.
            Assert.False(flash.Write(0, Words(0x00000000)));
            Assert.False(flash.Write(0, Words(0xFFFFFFFF, 0xFFFFFFFF)));
            Assert.Equal(keys, _bus.KeyWrites.Count);
            Assert.Equal(controls, _bus.ControlWrites);
            Assert.Equal(0, _bus.NonErasedWordsProgrammed);
            Assert.Equal(2, flash.RefusedWrites);
            Assert.Equal(0xFFFF0000u, BitConverter.ToUInt32(_bus.SectorBytes(10).Slice(0, 4)));
        }

        [Fact]
        public void Writes_that_are_not_whole_words_inside_the_sector_are_refused()
        {
            var flash = new Stm32Flash(_bus);
            Assert.False(flash.Write(2, Words(1)));
            Assert.False(flash.Write(0, new byte[] { 1, 2, 3 }));
            Assert.False(flash.Write(flash.Size - 4, Words(1, 2)));
            Assert.False(flash.Write(-4, Words(1)));
            Assert.False(flash.Read(flash.Size - 2, new byte[4]));
            Assert.Equal(0, _bus.ControlWrites);
            Assert.True(All(_bus.SectorBytes(11), 0xFF));
        }

        [Fact]
        public void A_wrong_key_locks_the_controller_until_reset_and_the_driver_says_so()
        {
            // Someone else's wrong unlock attempt (a bus error on the real part).
            _bus.Write32(F.InterfaceBase + F.KEYR, 0x12345678);
            Assert.Equal(1, _bus.BusErrors);
            var flash = new Stm32Flash(_bus);

            Assert.False(flash.Erase());
            Assert.Contains("locked", Text(flash.Failure));
            Assert.True(_bus.IsLocked);
            Assert.Empty(_bus.ErasedSectors);
            int keyWrites = _bus.KeyWrites.Count;
            // No more key writes (each would be another bus error) until the next reset.
            Assert.False(flash.Write(0, Words(1)));
            Assert.Equal(keyWrites, _bus.KeyWrites.Count);
            Assert.True(flash.Read(0, new byte[4])); // reading needs no unlocking

            _bus.Reset();
            var afterReset = new Stm32Flash(_bus);
            Assert.True(afterReset.Write(0, Words(0x01020304)));
            Assert.True(afterReset.Failure.IsEmpty);
        }

        [Fact]
        public void BSY_that_never_clears_fails_the_operation_within_the_bound()
        {
            var flash = new Stm32Flash(_bus, programPolls: 50, erasePolls: 500);
            _bus.StuckBusy = true;
            Assert.False(flash.Erase());
            Assert.Contains("BSY", Text(flash.Failure));
            Assert.InRange(_bus.BusyStatusReads, 500, 510);
            Assert.Equal(1, flash.Failures);

            // Still busy: the next operation waits (bounded) and gives up without writing FLASH_CR.
            int controls = _bus.ControlWrites;
            Assert.False(flash.Erase());
            Assert.Equal(controls, _bus.ControlWrites);
            Assert.Equal(2, flash.Failures);

            _bus.StuckBusy = false;
            Assert.True(flash.Write(4, Words(2))); // the erase ends, the next operation goes ahead
            Assert.Equal(new[] { 10 }, _bus.ErasedSectors);
        }

        [Fact]
        public void A_write_protected_sector_ends_in_WRPERR_which_the_driver_clears_and_reports()
        {
            _bus.WriteProtect(10);
            var flash = new Stm32Flash(_bus);
            Assert.True(flash.IsWriteProtected);
            Assert.False(flash.Erase());
            Assert.Contains("WRPERR", Text(flash.Failure));
            Assert.Equal(0u, _bus.Status & F.SrWrperr);
            Assert.True(_bus.IsLocked);

            Assert.False(flash.Write(0, Words(0x12345678)));
            Assert.Contains("WRPERR", Text(flash.Failure));
            Assert.Equal(0u, _bus.Status & F.SrWrperr);
            Assert.True(All(_bus.SectorBytes(10), 0xFF));
            Assert.Empty(_bus.ErasedSectors);
            Assert.False(new Stm32Flash(_bus, Stm32Flash.SpareSector).IsWriteProtected);
        }

        [Fact]
        public void Dual_bank_mode_and_sectors_outside_5_to_10_are_refused_without_touching_the_controller()
        {
            _bus.SetDualBank();
            var dual = new Stm32Flash(_bus);
            Assert.False(dual.Erase());
            Assert.False(dual.Write(0, Words(1)));
            Assert.False(dual.Read(0, new byte[4]));
            Assert.Contains("dual-bank", Text(dual.Failure));

            var other = new F();
            foreach (int sector in new[] { 0, 4, 11, 12 })
            {
                var flash = new Stm32Flash(other, sector);
                Assert.False(flash.Erase());
                Assert.Contains("not a record sector", Text(flash.Failure));
            }
            Assert.Equal(0, _bus.ControlWrites + other.ControlWrites);
            Assert.Empty(_bus.KeyWrites);
            Assert.Empty(other.KeyWrites);
        }

        [Fact]
        public void A_record_log_over_sectors_9_and_10_survives_a_reset()
        {
            FillNeighbours();
            _bus.SectorBytes(9).Fill(0xFF);
            var log = new RecordLog(new Stm32Flash(_bus, 9), new Stm32Flash(_bus, 10), 64);
            log.Open();
            for (int i = 0; i < 20; i++) Assert.True(log.Append(Encoding.UTF8.GetBytes("HeartbeatInterval=" + i), null));

            _bus.Reset();
            var again = new RecordLog(new Stm32Flash(_bus, 9), new Stm32Flash(_bus, 10), 64);
            Assert.True(again.Open());
            Assert.Equal(20, again.Records);
            RecordCursor cursor = again.Start();
            string last = null;
            while (again.ReadNext(ref cursor, out ReadOnlySpan<byte> payload)) last = Encoding.UTF8.GetString(payload);
            Assert.Equal("HeartbeatInterval=19", last);
            Assert.Equal(new[] { 9 }, _bus.ErasedSectors); // the format of the first region, nothing else
            Assert.True(All(_bus.SectorBytes(11), 0x11));
            Assert.Equal(0, _bus.NonErasedWordsProgrammed);
            Assert.Equal(0, _bus.BusErrors);
        }

        // The model on its own: the rules the driver is held to.

        [Fact]
        public void Model_a_store_to_the_array_without_PG_sets_ERSERR_and_programs_nothing()
        {
            uint address = F.SectorAddress(10);
            _bus.Write32(address, 0);
            Assert.Equal(F.SrErserr, _bus.Status); // locked
            _bus.Write32(F.InterfaceBase + F.SR, F.SrErserr);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key1);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key2);
            Assert.False(_bus.IsLocked);
            _bus.Write32(F.InterfaceBase + F.CR, F.PsizeX32 << F.PsizeShift | F.CrErrie); // unlocked, PG clear
            _bus.Write32(address, 0);
            Assert.Equal(F.SrErserr | F.SrOperr, _bus.Status);
            Assert.Equal(0xFFFFFFFFu, _bus.Read32(address));
            _bus.Write32(F.InterfaceBase + F.SR, 0xFFFF);
            Assert.Equal(0u, _bus.Status);
        }

        [Fact]
        public void Model_a_store_whose_size_differs_from_PSIZE_sets_PGPERR()
        {
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key1);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key2);
            _bus.Write32(F.InterfaceBase + F.CR, F.PsizeX8 << F.PsizeShift | F.CrPg);
            _bus.Write32(F.SectorAddress(10), 0x12345678);
            Assert.Equal(F.SrPgperr, _bus.Status);
            Assert.Equal(0xFFFFFFFFu, _bus.Read32(F.SectorAddress(10)));
        }

        [Fact]
        public void Model_programming_a_word_that_is_not_erased_clears_bits_without_an_error()
        {
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key1);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key2);
            _bus.Write32(F.InterfaceBase + F.CR, F.PsizeX32 << F.PsizeShift | F.CrPg);
            uint address = F.SectorAddress(10);
            _bus.Write32(address, 0xFF00FF00);
            Assert.Equal(F.SrBsy, _bus.Read32(F.InterfaceBase + F.SR) & F.SrBsy);
            Assert.Throws<InvalidOperationException>(() => _bus.Write32(address + 4, 0)); // not while BSY
            Assert.Equal(0xFF00FF00u, _bus.Read32(address)); // the read waits for the program
            _bus.Write32(address, 0x0F0F0F0F);
            Assert.Equal(0x0F000F00u, _bus.Read32(address));
            Assert.Equal(0u, _bus.Status);
            Assert.Equal(1, _bus.NonErasedWordsProgrammed);
        }

        [Fact]
        public void Model_a_locked_control_register_ignores_writes_and_a_wrong_key_order_locks_it_until_reset()
        {
            _bus.Write32(F.InterfaceBase + F.CR, F.CrPg);
            Assert.Equal(F.CrLock, _bus.Control);
            Assert.Equal(1, _bus.IgnoredControlWrites);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key2);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key1);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key2);
            Assert.True(_bus.IsLocked);
            Assert.Equal(3, _bus.BusErrors);
            _bus.Reset();
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key1);
            _bus.Write32(F.InterfaceBase + F.KEYR, F.Key2);
            Assert.False(_bus.IsLocked);
            _bus.Write32(F.InterfaceBase + F.CR, F.CrLock);
            Assert.True(_bus.IsLocked);
        }
    }
}
