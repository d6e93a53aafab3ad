using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Ocpp.Configuration
{
    // The values of the configuration keys (ConfigurationTable), made at boot with room for the
    // longest value of every key; reading, changing and restoring them never allocates.
    //
    // The central system's side (OCPP 1.6 5.3 ChangeConfiguration, 5.8 GetConfiguration) goes by
    // name: TryFind, NameOf, IsReadOnly, IsReadable, FormatValue, TryChange. Names match byte for
    // byte, whole name only (the Zephyr OCPP library compared only as many bytes as its own key
    // has, so "MeterValuesSampledDataMaxLength" found MeterValuesSampledData, and
    // "HeartbeatIntervalX" changed HeartbeatInterval). Values are read liberally where the spec's
    // CiString500Type allows it (booleans and list members in any letter case, spaces around list
    // items) and are stored and reported in one canonical spelling ("true", "Voltage", "1.RST,2.RST"),
    // plain ASCII that needs no JSON escape.
    //
    // The firmware's side goes by key: GetInt, GetBool, GetString, the list readers, TrySet.
    // IConfigurationObservers are told of every change that altered a value.
    //
    // Persistence: Version counts the changes; a store-to-flash task saves NameOf(i) and
    // FormatStoredValue(i) of every key that !IsDefault(i) when Version moved, and at boot hands
    // them back through TryRestore, which checks them exactly like a ChangeConfiguration (a value
    // the firmware no longer accepts is dropped, not trusted) but neither counts nor notifies.
    public sealed class ConfigurationStore
    {
        // OCPP 1.6 6.9 ChangeConfiguration.req and 6.24 GetConfiguration.conf: a value is a
        // CiString500Type, and no value here is longer.
        public const int MaxValueLength = 500;

        private readonly int _connectors;
        private readonly ConfigurationKeyInfo[] _info = new ConfigurationKeyInfo[ConfigurationTable.KeyCount];
        private readonly int[] _numbers = new int[ConfigurationTable.KeyCount];
        private readonly int[] _defaultNumbers = new int[ConfigurationTable.KeyCount];
        // Lists and text: each key owns _info.MaxLength bytes at _textStart in both buffers.
        private readonly byte[] _text;
        private readonly byte[] _defaultText;
        private readonly int[] _textStart = new int[ConfigurationTable.KeyCount];
        private readonly int[] _textLength = new int[ConfigurationTable.KeyCount];
        private readonly int[] _defaultTextLength = new int[ConfigurationTable.KeyCount];
        private readonly byte[] _candidate; // a new list or text value, checked before it is kept
        private readonly bool[] _connectorSeen;
        private readonly IConfigurationObserver[] _observers;
        private int _observerCount;

        // numberOfConnectors: NumberOfConnectors (9.1.21), the connector ids 1..n.
        public ConfigurationStore(int numberOfConnectors, int observerCapacity = 4)
        {
            _connectors = numberOfConnectors;
            _connectorSeen = new bool[numberOfConnectors + 1];
            _observers = new IConfigurationObserver[observerCapacity];
            int textBytes = 0;
            int longest = 0;
            for (int i = 0; i < ConfigurationTable.KeyCount; i++)
            {
                ConfigurationTable.Describe((ConfigurationKey)i, numberOfConnectors, out ConfigurationKeyInfo info, out int number, out _);
                _info[i] = info;
                _numbers[i] = _defaultNumbers[i] = number;
                _textStart[i] = textBytes;
                textBytes += info.MaxLength;
                longest = Math.Max(longest, info.MaxLength);
            }
            _text = new byte[textBytes];
            _defaultText = new byte[textBytes];
            _candidate = new byte[longest];
            for (int i = 0; i < ConfigurationTable.KeyCount; i++)
            {
                ConfigurationTable.Describe((ConfigurationKey)i, numberOfConnectors, out _, out _, out ReadOnlySpan<byte> text);
                Span<byte> slot = new Span<byte>(_defaultText, _textStart[i], _info[i].MaxLength);
                int length;
                if ((ConfigurationKey)i == ConfigurationKey.ConnectorPhaseRotation)
                {
                    length = WriteEveryConnectorNotApplicable(slot);
                }
                else
                {
                    text.CopyTo(slot);
                    length = text.Length;
                }
                _defaultTextLength[i] = _textLength[i] = length;
                slot.Slice(0, length).CopyTo(new Span<byte>(_text, _textStart[i], length));
            }
        }

        public int Count => ConfigurationTable.KeyCount;

        // Bumped by every change that altered a stored value (TryChange, TrySet; not TryRestore).
        public int Version { get; private set; }

        // Boot only. False when the table of observers is full.
        public bool AddObserver(IConfigurationObserver observer)
        {
            if (observer == null || _observerCount == _observers.Length) return false;
            _observers[_observerCount++] = observer;
            return true;
        }

        // Boot only: the firmware reads this key only when it starts, so a change answers
        // RebootRequired (OCPP 1.6 5.3). No 9.1 key needs it; a board or driver may.
        public void RequireRebootFor(ConfigurationKey key) => _info[(int)key] = _info[(int)key].WithRebootRequired();

        // The whole name, byte for byte (see the class comment).
        public bool TryFind(ReadOnlySpan<byte> name, out int index)
        {
            for (int i = 0; i < ConfigurationTable.KeyCount; i++)
            {
                // OCPP 1.6 7.13: a key is a CiString50, compared without case; the whole name, never a prefix.
                if (EqualsIgnoringCase(NameOf(i), name))
                {
                    index = i;
                    return true;
                }
            }
            index = -1;
            return false;
        }

        public ReadOnlySpan<byte> NameOf(int index) =>
            (uint)index < ConfigurationTable.KeyCount
                ? ConfigurationTable.Describe((ConfigurationKey)index, _connectors, out _, out _, out _)
                : ReadOnlySpan<byte>.Empty;

        public ConfigurationKeyInfo InfoOf(int index) => _info[index];

        // GetConfiguration.conf's `readonly` (6.24): a write-only key is not read-only.
        public bool IsReadOnly(int index) => _info[index].Access == ConfigurationAccess.ReadOnly;

        // False for a write-only key, whose value never goes to the central system.
        public bool IsReadable(int index) => _info[index].Access != ConfigurationAccess.WriteOnly;

        public bool IsDefault(int index)
        {
            if (!HasText(index)) return _numbers[index] == _defaultNumbers[index];
            return Text(index).SequenceEqual(new ReadOnlySpan<byte>(_defaultText, _textStart[index], _defaultTextLength[index]));
        }

        // The value as GetConfiguration.conf sends it (KeyValue.value: "60", "true",
        // "Energy.Active.Import.Register,Voltage"). Returns the byte count, or -1 for a write-only
        // key (AuthorizationKey: the whitepaper makes it unreadable) or a destination too small.
        public int FormatValue(int index, Span<byte> destination) =>
            (uint)index < ConfigurationTable.KeyCount && IsReadable(index) ? FormatStoredValue(index, destination) : -1;

        // The value as TryRestore takes it back, write-only keys included: for persistence only,
        // never for the central system.
        public int FormatStoredValue(int index, Span<byte> destination)
        {
            if ((uint)index >= ConfigurationTable.KeyCount) return -1;
            scoped ReadOnlySpan<byte> text;
            Span<byte> digits = stackalloc byte[20];
            switch (_info[index].Type)
            {
                case ConfigurationValueType.Integer:
                    text = digits.Slice(0, DecimalText.Write(_numbers[index], digits));
                    break;
                case ConfigurationValueType.Boolean:
                    text = _numbers[index] != 0 ? "true"u8 : "false"u8;
                    break;
                default:
                    text = Text(index);
                    break;
            }
            return text.TryCopyTo(destination) ? text.Length : -1;
        }

        public int GetInt(ConfigurationKey key) => _numbers[(int)key];

        public bool GetBool(ConfigurationKey key) => _numbers[(int)key] != 0;

        // A list key's canonical CSL, or a text key's value (AuthorizationKey: as the central
        // system wrote it; AuthorizationKeyText.Decode turns it into the password). Empty for
        // integer and boolean keys.
        public ReadOnlySpan<byte> GetString(ConfigurationKey key) => HasText((int)key) ? Text((int)key) : ReadOnlySpan<byte>.Empty;

        public int ListCount(ConfigurationKey key)
        {
            ReadOnlySpan<byte> list = GetString(key);
            if (list.IsEmpty) return 0;
            int count = 1;
            for (int i = 0; i < list.Length; i++)
                if (list[i] == ',') count++;
            return count;
        }

        // The item at `position` (0-based) of a list key, in its canonical spelling; empty past the end.
        public ReadOnlySpan<byte> ListItem(ConfigurationKey key, int position)
        {
            ReadOnlySpan<byte> rest = GetString(key);
            while (!rest.IsEmpty)
            {
                int comma = rest.IndexOf((byte)',');
                if (position == 0) return comma < 0 ? rest : rest.Slice(0, comma);
                if (comma < 0) break;
                rest = rest.Slice(comma + 1);
                position--;
            }
            return ReadOnlySpan<byte>.Empty;
        }

        // Whether a list key holds `member`, given in its canonical spelling ("Voltage"u8).
        public bool ListContains(ConfigurationKey key, ReadOnlySpan<byte> member)
        {
            for (int i = 0; ; i++)
            {
                ReadOnlySpan<byte> item = ListItem(key, i);
                if (item.IsEmpty) return false;
                if (item.SequenceEqual(member)) return true;
            }
        }

        // ChangeConfiguration.req (OCPP 1.6 5.3): NotSupported for an unknown key; Rejected for a
        // read-only key or a value that fails the key's checks (then nothing changes);
        // otherwise the value is stored and the answer is Accepted, or RebootRequired.
        public ConfigurationStatus TryChange(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            if (!TryFind(name, out int index)) return ConfigurationStatus.NotSupported;
            if (!TryParse(index, value, out int number, out int length)) return ConfigurationStatus.Rejected;
            Keep(index, number, length, true);
            return _info[index].RebootRequired ? ConfigurationStatus.RebootRequired : ConfigurationStatus.Accepted;
        }

        // The firmware's own change of an integer key, checked like a ChangeConfiguration: the
        // heartbeatInterval of an accepted BootNotification.conf (OCPP 1.6 4.2).
        public ConfigurationStatus TrySet(ConfigurationKey key, int value)
        {
            if ((uint)key >= ConfigurationTable.KeyCount) return ConfigurationStatus.NotSupported;
            int index = (int)key;
            ConfigurationKeyInfo info = _info[index];
            if (info.Type != ConfigurationValueType.Integer || info.Access == ConfigurationAccess.ReadOnly
                || value < info.Minimum || value > info.Maximum)
                return ConfigurationStatus.Rejected;
            Keep(index, value, 0, true);
            return info.RebootRequired ? ConfigurationStatus.RebootRequired : ConfigurationStatus.Accepted;
        }

        // Boot: a value saved earlier comes back through the same checks as TryChange, without
        // counting as a change and without telling the observers (nothing runs yet). Accepted,
        // Rejected (read-only, or no longer valid) or NotSupported (no such key any more).
        public ConfigurationStatus TryRestore(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            if (!TryFind(name, out int index)) return ConfigurationStatus.NotSupported;
            if (!TryParse(index, value, out int number, out int length)) return ConfigurationStatus.Rejected;
            Keep(index, number, length, false);
            return ConfigurationStatus.Accepted;
        }

        private bool HasText(int index)
        {
            ConfigurationValueType type = _info[index].Type;
            return type != ConfigurationValueType.Integer && type != ConfigurationValueType.Boolean;
        }

        private ReadOnlySpan<byte> Text(int index) => new ReadOnlySpan<byte>(_text, _textStart[index], _textLength[index]);

        // Checks `value` for key `index`: a number comes back in `number`, a list or text in
        // _candidate (`length` bytes, canonical spelling).
        private bool TryParse(int index, ReadOnlySpan<byte> value, out int number, out int length)
        {
            number = 0;
            length = 0;
            ConfigurationKeyInfo info = _info[index];
            if (info.Access == ConfigurationAccess.ReadOnly) return false;
            Span<byte> candidate = new Span<byte>(_candidate, 0, info.MaxLength);
            switch (info.Type)
            {
                case ConfigurationValueType.Integer:
                    return TryParseInteger(value, out number) && number >= info.Minimum && number <= info.Maximum;
                case ConfigurationValueType.Boolean:
                    if (EqualsIgnoringCase(value, "true"u8)) { number = 1; return true; }
                    return EqualsIgnoringCase(value, "false"u8);
                case ConfigurationValueType.MeasurandList:
                    return TryParseMeasurands(value, info.MaxItems, candidate, out length);
                case ConfigurationValueType.PhaseRotationList:
                    return TryParsePhaseRotations(value, info.MaxItems, candidate, out length);
                case ConfigurationValueType.Text:
                    if (!AuthorizationKeyText.IsValid(value) || !value.TryCopyTo(candidate)) return false;
                    length = value.Length;
                    return true;
                default:
                    return false; // FeatureProfileList is read-only: never parsed
            }
        }

        private void Keep(int index, int number, int length, bool announce)
        {
            bool changed;
            if (HasText(index))
            {
                ReadOnlySpan<byte> candidate = new ReadOnlySpan<byte>(_candidate, 0, length);
                changed = !candidate.SequenceEqual(Text(index));
                candidate.CopyTo(new Span<byte>(_text, _textStart[index], length));
                _textLength[index] = length;
            }
            else
            {
                changed = _numbers[index] != number;
                _numbers[index] = number;
            }
            if (!changed || !announce) return;
            Version++;
            for (int i = 0; i < _observerCount; i++) _observers[i].OnChanged((ConfigurationKey)index);
        }

        // Optional '-', then decimal digits; nothing else (no '+', spaces, fraction or exponent).
        private static bool TryParseInteger(ReadOnlySpan<byte> value, out int number)
        {
            number = 0;
            int at = value.Length > 0 && value[0] == '-' ? 1 : 0;
            if (at == value.Length) return false;
            long magnitude = 0;
            for (; at < value.Length; at++)
            {
                byte c = value[at];
                if (c < '0' || c > '9') return false;
                magnitude = magnitude * 10 + (c - '0');
                if (magnitude > 1L + int.MaxValue) return false;
            }
            long signed = value[0] == '-' ? -magnitude : magnitude;
            if (signed > int.MaxValue) return false;
            number = (int)signed;
            return true;
        }

        // A CSL of distinct measurands of ConfigurationTable; empty (or blank): none.
        private static bool TryParseMeasurands(ReadOnlySpan<byte> value, int maxItems, Span<byte> output, out int length)
        {
            length = 0;
            if (Trim(value).IsEmpty) return true;
            int seen = 0;
            int items = 0;
            ReadOnlySpan<byte> rest = value;
            while (NextItem(ref rest, out ReadOnlySpan<byte> item, out bool more))
            {
                int measurand = Find(item, ConfigurationTable.MeasurandCount, false);
                if (measurand < 0 || (seen & (1 << measurand)) != 0 || ++items > maxItems) return false;
                seen |= 1 << measurand;
                if (!Append(output, ref length, ConfigurationTable.Measurand(measurand), items > 1)) return false;
                if (!more) return true;
            }
            return false;
        }

        // 9.1.7: a CSL of <connector>.<rotation>, each connector 0..n at most once; not empty.
        private bool TryParsePhaseRotations(ReadOnlySpan<byte> value, int maxItems, Span<byte> output, out int length)
        {
            length = 0;
            for (int i = 0; i < _connectorSeen.Length; i++) _connectorSeen[i] = false;
            int items = 0;
            ReadOnlySpan<byte> rest = value;
            Span<byte> digits = stackalloc byte[20];
            while (NextItem(ref rest, out ReadOnlySpan<byte> item, out bool more))
            {
                int dot = item.IndexOf((byte)'.');
                if (dot <= 0 || !TryParseInteger(item.Slice(0, dot), out int connector) || item[0] == '-'
                    || connector > _connectors || _connectorSeen[connector] || ++items > maxItems)
                    return false;
                int rotation = Find(item.Slice(dot + 1), ConfigurationTable.PhaseRotationCount, true);
                if (rotation < 0) return false;
                _connectorSeen[connector] = true;
                if (!Append(output, ref length, digits.Slice(0, DecimalText.Write(connector, digits)), items > 1)
                    || !Append(output, ref length, "."u8, false)
                    || !Append(output, ref length, ConfigurationTable.PhaseRotation(rotation), false))
                    return false;
                if (!more) return true;
            }
            return false;
        }

        // Splits off the next item of a CSL, trimmed; false when it is empty (",," or a trailing ",").
        private static bool NextItem(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> item, out bool more)
        {
            int comma = rest.IndexOf((byte)',');
            item = Trim(comma < 0 ? rest : rest.Slice(0, comma));
            more = comma >= 0;
            rest = more ? rest.Slice(comma + 1) : ReadOnlySpan<byte>.Empty;
            return !item.IsEmpty;
        }

        private static int Find(ReadOnlySpan<byte> item, int count, bool rotations)
        {
            for (int i = 0; i < count; i++)
                if (EqualsIgnoringCase(item, rotations ? ConfigurationTable.PhaseRotation(i) : ConfigurationTable.Measurand(i)))
                    return i;
            return -1;
        }

        private static bool Append(Span<byte> output, ref int length, ReadOnlySpan<byte> piece, bool comma)
        {
            int needed = piece.Length + (comma ? 1 : 0);
            if (length + needed > output.Length) return false;
            if (comma) output[length++] = (byte)',';
            piece.CopyTo(output.Slice(length));
            length += piece.Length;
            return true;
        }

        private int WriteEveryConnectorNotApplicable(Span<byte> output)
        {
            int length = 0;
            Span<byte> digits = stackalloc byte[20];
            for (int connector = 1; connector <= _connectors; connector++)
            {
                Append(output, ref length, digits.Slice(0, DecimalText.Write(connector, digits)), connector > 1);
                Append(output, ref length, "."u8, false);
                Append(output, ref length, ConfigurationTable.PhaseRotation(0), false);
            }
            return length;
        }

        private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
        {
            int start = 0;
            int end = text.Length;
            while (start < end && (text[start] == ' ' || text[start] == '\t')) start++;
            while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) end--;
            return text.Slice(start, end - start);
        }

        // ASCII letters only: the spellings compared here are ASCII.
        private static bool EqualsIgnoringCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
            {
                int x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] | 0x20 : a[i];
                int y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] | 0x20 : b[i];
                if (x != y) return false;
            }
            return true;
        }
    }
}
