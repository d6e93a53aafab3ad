using System;
using System.IO;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // The STM32F769I-DISCO image cannot run here; check what would make it not boot at all.
    [Trait("Category", "Emulator")]
    public class BoardImageTests
    {
        [Fact]
        public void Stm32_image_starts_with_its_vector_table_in_flash()
        {
            string elf = Repo.Image("stm32f769i-disco");
            var symbols = Repo.Symbols(elf);
            Assert.Equal(0x08000000u, symbols["vector_table"].Start);

            byte[] bin = File.ReadAllBytes(Path.ChangeExtension(elf, ".bin"));
            uint initialStack = BitConverter.ToUInt32(bin, 0);
            uint reset = BitConverter.ToUInt32(bin, 4);
            Assert.Equal(0x20080000u, initialStack); // top of the 512 KiB SRAM
            Assert.Equal(symbols["Reset_Handler"].Start | 1, reset); // Thumb bit set
            Assert.InRange(bin.Length, 1, 2 * 1024 * 1024);
        }

        [Fact]
        public void Stm32_image_links_the_usart1_receive_interrupt_path()
        {
            var symbols = Repo.Symbols(Repo.Image("stm32f769i-disco"));
            Assert.Contains("firmware_ChargePoint_Drivers_ConsoleInterrupt__Attach", symbols.Keys);
            Assert.Contains("firmware_ChargePoint_Drivers_ConsoleInterrupt__OnReceive", symbols.Keys);
            Assert.Contains("firmware_ChargePoint_Drivers_Stm32Usart__HandleReceiveInterrupt", symbols.Keys);
            Assert.Contains("firmware_ChargePoint_Drivers_Nvic__InstallHandler", symbols.Keys);
        }

        [Fact]
        public void Stm32_image_streams_the_session_log_over_its_own_usb_stack()
        {
            // Class -> device core -> port, the port's interrupt, and the board handing the CDC
            // function to the stream; the QEMU image has no USB controller and links none of it.
            var stm32 = Repo.Symbols(Repo.Image("stm32f769i-disco"));
            foreach (string symbol in new[]
            {
                "firmware_ChargePoint_Boards_Stm32f769iDisco__EnableSessionPort",
                "firmware_ChargePoint_Core_Usb_CdcAcm__Run",
                "firmware_ChargePoint_Core_Usb_CdcAcm__Write",
                "firmware_ChargePoint_Core_Usb_UsbDevice__Poll",
                "firmware_ChargePoint_Drivers_DwcOtgHs__Start",
                "firmware_ChargePoint_Drivers_DwcOtgHs__HandleInterrupt",
                "firmware_ChargePoint_Drivers_UsbInterrupt__OnInterrupt",
            })
                Assert.Contains(symbol, stm32.Keys);
            var mps2 = Repo.Symbols(Repo.Image("mps2-an500"));
            Assert.DoesNotContain("firmware_ChargePoint_Drivers_DwcOtgHs__Start", mps2.Keys);
            Assert.DoesNotContain("firmware_ChargePoint_Core_Usb_CdcAcm__Run", mps2.Keys);

            byte[] bin = File.ReadAllBytes(Path.ChangeExtension(Repo.Image("stm32f769i-disco"), ".bin"));
            string text = System.Text.Encoding.ASCII.GetString(bin);
            Assert.Contains("USB High-Speed enabled - demonstrating fast data logging", text);
            Assert.Contains("SharpCharge Session Log", text);
        }

        [Fact]
        public void Stm32_receive_data_register_is_read_as_a_word()
        {
            // USART_RDR is at offset 0x24: a narrowed read would show as `ldrb ... #36`.
            string elf = Repo.Image("stm32f769i-disco");
            var symbols = Repo.Symbols(elf);
            var read = symbols["firmware_ChargePoint_Drivers_Mmio__Read32Word"];
            var (code, disassembly) = Repo.Run("arm-none-eabi-objdump",
                $"-d --start-address=0x{read.Start:x} --stop-address=0x{read.End:x} \"{elf}\"", TimeSpan.FromMinutes(1));
            Assert.Equal(0, code);
            Assert.Matches(@"\sldr(\.w)?\s", disassembly);
            Assert.DoesNotMatch(@"\sldr[bh]", disassembly);

            var handler = symbols["firmware_ChargePoint_Drivers_Stm32Usart__HandleReceiveInterrupt"];
            (code, disassembly) = Repo.Run("arm-none-eabi-objdump",
                $"-d --start-address=0x{handler.Start:x} --stop-address=0x{handler.End:x} \"{elf}\"", TimeSpan.FromMinutes(1));
            Assert.DoesNotMatch(@"ldrb(\.w)?\s+r\d+, \[r\d+, #36\]", disassembly);
        }

        [Fact]
        public void Mps2_image_starts_with_its_vector_table_at_zero()
        {
            string elf = Repo.Image("mps2-an500");
            var symbols = Repo.Symbols(elf);
            Assert.Equal(0u, symbols["vector_table"].Start);
            byte[] bin = File.ReadAllBytes(Path.ChangeExtension(elf, ".bin"));
            Assert.Equal(symbols["__stack_top"].Start, BitConverter.ToUInt32(bin, 0));
        }
    }
}
