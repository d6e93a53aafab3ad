using System.Collections.Generic;
using ChargePoint.Core.Usb;

namespace ChargePoint.Tests.Core.Usb
{
    // The structural rules a host applies to a configuration descriptor set (USB 2.0 9.5, 9.6.3,
    // 9.6.5, 9.6.6, the IAD ECN, CDC 1.2 5.2.3), written independently of the code under test.
    // Returns every problem found; an empty list means the set is well formed.
    public static class DescriptorRules
    {
        public static List<string> CheckConfiguration(byte[] d, UsbSpeed speed, byte expectedType = UsbDescriptorType.Configuration)
        {
            var problems = new List<string>();
            if (d.Length < 9) { problems.Add($"only {d.Length} bytes"); return problems; }
            if (d[0] != 9) problems.Add($"configuration bLength {d[0]}");
            if (d[1] != expectedType) problems.Add($"configuration bDescriptorType {d[1]}, expected {expectedType}");
            int total = d[2] | d[3] << 8;
            if (total != d.Length) problems.Add($"wTotalLength {total} but {d.Length} bytes");
            if (d[5] == 0) problems.Add("bConfigurationValue 0 (reserved for 'not configured')");
            if ((d[7] & 0x80) == 0 || (d[7] & 0x1F) != 0) problems.Add($"bmAttributes 0x{d[7]:X2}");

            var interfaces = new HashSet<int>();
            var endpoints = new HashSet<int>();
            int expectedEndpoints = -1, seenEndpoints = 0, currentInterface = -1;
            int pendingIadFirst = -1;
            var iads = new List<(int first, int count)>();
            int at = 9;
            while (at < d.Length)
            {
                int length = d[at];
                if (length < 2 || at + length > d.Length) { problems.Add($"descriptor at {at}: bLength {length} runs past the end"); break; }
                int type = d[at + 1];
                switch (type)
                {
                    case UsbDescriptorType.InterfaceAssociation:
                        if (length != 8) problems.Add($"IAD at {at}: bLength {length}");
                        iads.Add((d[at + 2], d[at + 3]));
                        pendingIadFirst = d[at + 2];
                        break;
                    case UsbDescriptorType.Interface:
                        if (length != 9) problems.Add($"interface at {at}: bLength {length}");
                        if (pendingIadFirst >= 0 && d[at + 2] != pendingIadFirst)
                            problems.Add($"IAD names interface {pendingIadFirst} first but interface {d[at + 2]} follows it");
                        pendingIadFirst = -1;
                        if (expectedEndpoints >= 0 && seenEndpoints != expectedEndpoints)
                            problems.Add($"interface {currentInterface}: bNumEndpoints {expectedEndpoints}, {seenEndpoints} endpoint descriptors");
                        currentInterface = d[at + 2];
                        if (d[at + 3] == 0 && !interfaces.Add(currentInterface)) problems.Add($"interface {currentInterface} twice");
                        expectedEndpoints = d[at + 4];
                        seenEndpoints = 0;
                        break;
                    case UsbDescriptorType.Endpoint:
                    {
                        if (length != 7) problems.Add($"endpoint at {at}: bLength {length}");
                        int address = d[at + 2];
                        int kind = d[at + 3] & 3;
                        int size = (d[at + 4] | d[at + 5] << 8) & 0x7FF;
                        int interval = d[at + 6];
                        if ((address & 0x70) != 0 || (address & 0x0F) == 0) problems.Add($"endpoint address 0x{address:X2}");
                        if (!endpoints.Add(address)) problems.Add($"endpoint 0x{address:X2} twice");
                        if (currentInterface < 0) problems.Add($"endpoint 0x{address:X2} outside an interface");
                        seenEndpoints++;
                        if (kind == (int)UsbEndpointType.Bulk)
                        {
                            int wanted = speed == UsbSpeed.High ? 512 : 64;
                            if (size != wanted) problems.Add($"bulk endpoint 0x{address:X2}: wMaxPacketSize {size}, {speed} speed needs {wanted}");
                        }
                        else if (kind == (int)UsbEndpointType.Interrupt)
                        {
                            if (size == 0 || size > (speed == UsbSpeed.High ? 1024 : 64)) problems.Add($"interrupt endpoint 0x{address:X2}: wMaxPacketSize {size}");
                            if (speed == UsbSpeed.High ? interval < 1 || interval > 16 : interval < 1)
                                problems.Add($"interrupt endpoint 0x{address:X2}: bInterval {interval} at {speed} speed");
                        }
                        else
                        {
                            problems.Add($"endpoint 0x{address:X2}: transfer type {kind}");
                        }
                        break;
                    }
                    case UsbDescriptorType.ClassInterface:
                    {
                        int subtype = length >= 3 ? d[at + 2] : -1;
                        int wanted = subtype switch { 0x00 => 5, 0x01 => 5, 0x02 => 4, 0x06 => 5, _ => -1 };
                        if (wanted < 0) problems.Add($"CS_INTERFACE subtype {subtype}");
                        else if (length != wanted) problems.Add($"CS_INTERFACE subtype {subtype}: bLength {length}, expected {wanted}");
                        if (currentInterface < 0) problems.Add("functional descriptor before any interface");
                        break;
                    }
                    default:
                        problems.Add($"descriptor type {type} at {at} has no place in a configuration");
                        break;
                }
                at += length;
            }
            if (expectedEndpoints >= 0 && seenEndpoints != expectedEndpoints)
                problems.Add($"interface {currentInterface}: bNumEndpoints {expectedEndpoints}, {seenEndpoints} endpoint descriptors");
            if (d[4] != interfaces.Count) problems.Add($"bNumInterfaces {d[4]}, {interfaces.Count} interfaces");
            foreach (var (first, count) in iads)
            {
                for (int i = first; i < first + count; i++)
                {
                    if (!interfaces.Contains(i)) problems.Add($"IAD counts interface {i}, which does not exist");
                }
            }
            return problems;
        }
    }
}
