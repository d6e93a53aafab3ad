using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // Constant data stays in flash; RAM holds only what is written at run time.
    [Trait("Category", "Emulator")]
    public class StaticDataTests
    {
        private static byte[] Section(string elf, string section)
        {
            string file = Path.Combine(Path.GetTempPath(), $"section-{Guid.NewGuid():N}.bin");
            try
            {
                var (code, output) = Repo.Run("arm-none-eabi-objcopy", $"-O binary --only-section={section} \"{elf}\" \"{file}\"", TimeSpan.FromMinutes(1));
                Assert.True(code == 0, output);
                return File.ReadAllBytes(file);
            }
            finally
            {
                File.Delete(file);
            }
        }

        private static bool Contains(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return true;
            return false;
        }

        [Fact]
        public void A_constant_table_is_in_flash_and_not_copied_to_ram()
        {
            // SelfTest.Crc8Table, a `static ReadOnlySpan<byte> => new byte[] { ... }` property.
            byte[] table = { 0x00, 0x07, 0x0E, 0x09, 0x1C, 0x1B, 0x12, 0x15, 0x38, 0x3F, 0x36, 0x31, 0x24, 0x23, 0x2A, 0x2D };
            string elf = Repo.Image("mps2-an500", "selftest");
            Assert.True(Contains(Section(elf, ".text"), table), "table not found in flash (.text)");
            Assert.False(Contains(Section(elf, ".data"), table), "table copied into RAM (.data)");
        }

        [Theory]
        [InlineData("mps2-an500")]
        [InlineData("stm32f769i-disco")]
        public void The_firmware_keeps_no_string_literal_in_ram(string board)
        {
            // C# string literals are UTF-16 objects that ilc places in its writable data, which is
            // copied to RAM; firmware text is written as u8 literals, which stay in flash.
            var symbols = Repo.Symbols(Repo.Image(board));
            string[] strings = symbols.Keys.Where(s => s.StartsWith("__Str_")).ToArray();
            Assert.True(strings.Length == 0, "string literals in RAM: " + string.Join(", ", strings));
        }

        [Fact]
        public void The_banner_text_is_in_flash()
        {
            byte[] banner = System.Text.Encoding.ASCII.GetBytes("*** Booting SharpCharge v0.1.0 ***\r\n");
            string elf = Repo.Image("mps2-an500");
            Assert.True(Contains(Section(elf, ".text"), banner));
            Assert.False(Contains(Section(elf, ".data"), banner));
        }
    }
}
