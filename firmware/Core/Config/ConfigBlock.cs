using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Config
{
    // The configuration block: settings written next to the image (QEMU's -device loader, OpenOCD)
    // that override the board defaults without a rebuild. Layout, little-endian:
    //
    //   0   4 bytes  magic "SCCF"
    //   4   u16      format version, 1
    //   6   u16      payload length N, 1..1008
    //   8   u32      CRC-32 of the payload (Crc32)
    //   12  u32      reserved, 0
    //   16  N bytes  payload: ConfigText
    //
    // in a 1024-byte region. A region starting with four 0x00 or four 0xFF bytes holds no block
    // (erased flash, or memory nobody loaded). A block is applied whole or not at all.
    public sealed class ConfigBlock
    {
        public const int RegionSize = 1024;
        public const int HeaderSize = 16;
        public const int MaxPayloadLength = RegionSize - HeaderSize;
        public const ushort FormatVersion = 1;
        public static ReadOnlySpan<byte> Magic => "SCCF"u8;

        private static ReadOnlySpan<byte> Module => "config"u8;

        // Boot-time only, but sized here so that Load itself allocates nothing.
        private readonly Settings _scratch = new Settings();
        private readonly ConfigError _error = new ConfigError();

        // Sets `target` to the board defaults, then to the block over them when `region` holds a
        // valid one. Logs one line: the block applied, no block, or what is wrong (then `target`
        // keeps exactly the defaults). Defaults that do not parse are a firmware bug: logged as such,
        // and `target` starts from Settings.Reset instead.
        public ConfigSource Load(ReadOnlySpan<byte> region, uint address, ReadOnlySpan<byte> boardDefaults, Settings target, Logger log)
        {
            ConfigSource source = ConfigSource.Defaults;
            _scratch.Reset();
            if (ConfigText.Apply(boardDefaults, _scratch, _error) >= 0)
            {
                target.CopyFrom(_scratch);
            }
            else
            {
                target.Reset();
                source = ConfigSource.DefaultsAfterError;
                log.Begin(LogLevel.Error, Module).Append("*** board defaults invalid (firmware bug): "u8).Append(_error.Message).End();
            }

            if (IsErased(region))
            {
                log.Begin(LogLevel.Info, Module).Append("no block at "u8).AppendHex(address).Append(", board defaults"u8).End();
            }
            else if (!CheckEnvelope(region, _error, out ReadOnlySpan<byte> payload))
            {
                source = ConfigSource.DefaultsAfterError;
                LogRejected(log);
            }
            else
            {
                _scratch.CopyFrom(target);
                int keys = ConfigText.Apply(payload, _scratch, _error);
                if (keys < 0)
                {
                    source = ConfigSource.DefaultsAfterError;
                    LogRejected(log);
                }
                else
                {
                    target.CopyFrom(_scratch);
                    source = ConfigSource.Block;
                    log.Begin(LogLevel.Info, Module).Append("block at "u8).AppendHex(address).Append(" applied ("u8).Append(keys)
                        .Append(keys == 1 ? " key)"u8 : " keys)"u8).End();
                }
            }
            target.Source = source;
            return source;
        }

        private void LogRejected(Logger log) =>
            log.Begin(LogLevel.Error, Module).Append(_error.Message).Append(", using board defaults"u8).End();

        private static bool IsErased(ReadOnlySpan<byte> region)
        {
            if (region.Length < 4) return false;
            bool zeros = true;
            bool ones = true;
            for (int i = 0; i < 4; i++)
            {
                zeros &= region[i] == 0x00;
                ones &= region[i] == 0xFF;
            }
            return zeros || ones;
        }

        // The header, in the order a reader would check it; on success `payload` is the text.
        private static bool CheckEnvelope(ReadOnlySpan<byte> region, ConfigError error, out ReadOnlySpan<byte> payload)
        {
            payload = ReadOnlySpan<byte>.Empty;
            error.Clear();
            if (region.Length < HeaderSize)
            {
                error.Append("region of "u8).Append(region.Length).Append(" bytes is shorter than the "u8).Append(HeaderSize).Append("-byte header"u8);
                return false;
            }
            if (!region.Slice(0, 4).SequenceEqual(Magic))
            {
                error.Append("bad magic "u8).AppendHex(ReadUInt32BigEndian(region)).Append(" (expected 0x53434346, \"SCCF\")"u8);
                return false;
            }
            int version = ReadUInt16(region, 4);
            if (version != FormatVersion)
            {
                error.Append("version "u8).Append(version).Append(" not supported (expected "u8).Append(FormatVersion).Append(")"u8);
                return false;
            }
            int length = ReadUInt16(region, 6);
            if (length == 0 || length > MaxPayloadLength)
            {
                error.Append("payload length "u8).Append(length).Append(" out of range 1.."u8).Append(MaxPayloadLength);
                return false;
            }
            if (HeaderSize + length > region.Length)
            {
                error.Append("payload length "u8).Append(length).Append(" runs past the "u8).Append(region.Length).Append("-byte region"u8);
                return false;
            }
            payload = region.Slice(HeaderSize, length);
            uint stored = ReadUInt32(region, 8);
            uint computed = Crc32.Compute(payload);
            if (stored != computed)
            {
                error.Append("checksum mismatch (block "u8).AppendHex(stored).Append(", computed "u8).AppendHex(computed).Append(")"u8);
                return false;
            }
            uint reserved = ReadUInt32(region, 12);
            if (reserved != 0)
            {
                error.Append("reserved word "u8).AppendHex(reserved).Append(" is not 0"u8);
                return false;
            }
            return true;
        }

        private static int ReadUInt16(ReadOnlySpan<byte> data, int at) => data[at] | (data[at + 1] << 8);

        private static uint ReadUInt32(ReadOnlySpan<byte> data, int at) =>
            (uint)data[at] | ((uint)data[at + 1] << 8) | ((uint)data[at + 2] << 16) | ((uint)data[at + 3] << 24);

        // The magic as it reads in a hex dump, byte 0 first.
        private static uint ReadUInt32BigEndian(ReadOnlySpan<byte> data) =>
            ((uint)data[0] << 24) | ((uint)data[1] << 16) | ((uint)data[2] << 8) | data[3];
    }
}
