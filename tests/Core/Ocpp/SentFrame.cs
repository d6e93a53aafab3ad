using System;
using System.Text.Json;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // One message the charge point sent, read with System.Text.Json (not with the firmware's own
    // reader): a CALL [2, id, action, payload], a CALLRESULT [3, id, payload] or a CALLERROR
    // [4, id, code, description, details] (OCPP-J 1.6 section 4).
    public sealed class SentFrame
    {
        public static readonly string[] ErrorCodes =
        {
            "NotImplemented", "NotSupported", "InternalError", "ProtocolError", "SecurityError", "FormationViolation",
            "PropertyConstraintViolation", "OccurenceConstraintViolation", "TypeConstraintViolation", "GenericError",
        };

        private JsonElement? _root;

        public SentFrame(string text, long atMilliseconds)
        {
            Text = text;
            AtMilliseconds = atMilliseconds;
        }

        public string Text { get; }
        public long AtMilliseconds { get; }

        // Throws (fails the test) when the text is not JSON.
        public JsonElement Root => _root ??= JsonDocument.Parse(Text).RootElement.Clone();

        public int Type => Root[0].GetInt32();
        public string Id => Root[1].GetString();
        public bool IsCall => Type == 2;
        public bool IsResult => Type == 3;
        public bool IsError => Type == 4;
        public string Action => IsCall ? Root[2].GetString() : null;
        public JsonElement Payload => IsCall ? Root[3] : IsResult ? Root[2] : Root[4];
        public string ErrorCode => IsError ? Root[2].GetString() : null;
        public string ErrorDescription => IsError ? Root[3].GetString() : null;

        // The frame is one of the three OCPP-J messages, element by element.
        public void AssertWellFormed()
        {
            JsonElement root = Root;
            Assert.True(root.ValueKind == JsonValueKind.Array, "not an array: " + Text);
            Assert.True(root.GetArrayLength() >= 3, "too short: " + Text);
            Assert.True(root[0].ValueKind == JsonValueKind.Number && root[0].TryGetInt32(out int type) && type >= 2 && type <= 4,
                "message type is not 2, 3 or 4: " + Text);
            Assert.True(root[1].ValueKind == JsonValueKind.String, "message id is not a string: " + Text);
            int idLength = root[1].GetString().Length;
            Assert.True(idLength > 0 && idLength <= 36, "message id is not 1 to 36 characters: " + Text);
            switch (Type)
            {
                case 2:
                    Assert.True(root.GetArrayLength() == 4, "a CALL has 4 elements: " + Text);
                    Assert.True(root[2].ValueKind == JsonValueKind.String && root[2].GetString().Length > 0, "no action: " + Text);
                    Assert.True(root[3].ValueKind == JsonValueKind.Object, "payload is not an object: " + Text);
                    break;
                case 3:
                    Assert.True(root.GetArrayLength() == 3, "a CALLRESULT has 3 elements: " + Text);
                    Assert.True(root[2].ValueKind == JsonValueKind.Object, "payload is not an object: " + Text);
                    break;
                default:
                    Assert.True(root.GetArrayLength() == 5, "a CALLERROR has 5 elements: " + Text);
                    Assert.True(root[2].ValueKind == JsonValueKind.String && Array.IndexOf(ErrorCodes, root[2].GetString()) >= 0,
                        "not an OCPP-J error code: " + Text);
                    Assert.True(root[3].ValueKind == JsonValueKind.String, "errorDescription is not a string: " + Text);
                    Assert.True(root[4].ValueKind == JsonValueKind.Object, "errorDetails is not an object: " + Text);
                    break;
            }
        }

        public override string ToString() => AtMilliseconds + " ms: " + Text;
    }
}
