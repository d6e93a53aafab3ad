using System.Text;
using ChargePoint.Core.Config;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class WsUrlTests
    {
        private readonly ConfigError _error = new ConfigError();

        private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

        private string Error(string url)
        {
            Assert.False(WsUrl.TryParse(Bytes(url), out _, _error));
            return Encoding.ASCII.GetString(_error.Message);
        }

        [Theory]
        [InlineData("ws://10.0.2.2:8180/steve/websocket/CentralSystemService", "10.0.2.2", 8180, "/steve/websocket/CentralSystemService")]
        [InlineData("ws://cs.example.org/ocpp", "cs.example.org", 80, "/ocpp")]
        [InlineData("ws://cs/", "cs", 80, "/")]
        [InlineData("ws://cs:1/a?b=c&d=%20", "cs", 1, "/a?b=c&d=%20")]
        [InlineData("ws://cs:65535/x", "cs", 65535, "/x")]
        [InlineData("WS://Cs.Example/x", "Cs.Example", 80, "/x")]
        public void A_ws_url_is_split_into_host_port_and_path(string url, string host, int port, string path)
        {
            byte[] text = Bytes(url);
            Assert.True(WsUrl.TryParse(text, out WsUrl parsed, _error));
            Assert.Equal(host, Encoding.ASCII.GetString(parsed.Host(text)));
            Assert.Equal(port, parsed.Port);
            Assert.Equal(path, Encoding.ASCII.GetString(parsed.Path(text)));
            Assert.Equal(0, _error.Length);
        }

        [Theory]
        [InlineData("cs.example/ocpp", "no scheme in \"cs.example/ocpp\" (expected ws://host[:port]/path)")]
        [InlineData("", "no scheme in \"\" (expected ws://host[:port]/path)")]
        [InlineData("/path://x", "no scheme in \"/path://x\" (expected ws://host[:port]/path)")]
        [InlineData("wss://cs.example/ocpp", "wss:// needs TLS, which is not supported yet: use ws://")]
        [InlineData("WSS://cs.example/ocpp", "wss:// needs TLS, which is not supported yet: use ws://")]
        [InlineData("http://cs.example/ocpp", "scheme \"http\" not supported (expected ws://)")]
        [InlineData("ws:///ocpp", "host empty")]
        [InlineData("ws://:8180/ocpp", "host empty")]
        [InlineData("ws://user@cs/ocpp", "host character \"@\" not allowed (letters, digits, - and .)")]
        [InlineData("ws://[::1]/ocpp", "host character \"[\" not allowed (letters, digits, - and .)")]
        [InlineData("ws://cs host/ocpp", "host character \" \" not allowed (letters, digits, - and .)")]
        [InlineData("ws://10.0.0.300/ocpp", "host \"10.0.0.300\" is not a valid IPv4 address")]
        [InlineData("ws://cs:0/ocpp", "port 0 out of range 1..65535")]
        [InlineData("ws://cs:65536/ocpp", "port 65536 out of range 1..65535")]
        [InlineData("ws://cs:99999/ocpp", "port 99999 out of range 1..65535")]
        [InlineData("ws://cs:abc/ocpp", "port \"abc\" is not a number")]
        [InlineData("ws://cs:/ocpp", "port empty (expected 1..65535)")]
        [InlineData("ws://cs", "path missing (expected ws://host[:port]/path)")]
        [InlineData("ws://cs:8180", "path missing (expected ws://host[:port]/path)")]
        [InlineData("ws://cs/ocpp 16", "path character \" \" not allowed (printable ASCII, no spaces)")]
        [InlineData("ws://cs/ocpp\x7f", "path character 0x7f not allowed (printable ASCII, no spaces)")]
        [InlineData("ws://cs/ocpp#top", "fragment not allowed in a WebSocket URL (RFC 6455 3)")]
        public void A_malformed_url_is_refused_saying_what_is_wrong(string url, string error)
        {
            Assert.Equal(error, Error(url));
        }

        [Fact]
        public void A_url_may_be_200_bytes_but_not_201()
        {
            string url = "ws://cs/" + new string('p', 192);
            Assert.Equal(200, url.Length);
            Assert.True(WsUrl.TryParse(Bytes(url), out _, _error));
            Assert.Equal("201 bytes, longer than 200", Error(url + "p"));
        }

        [Fact]
        public void An_error_follows_what_the_caller_wrote_first()
        {
            _error.Append("cs_url: "u8);
            Assert.False(WsUrl.TryParse(Bytes("ws://cs:0/x"), out _, _error));
            Assert.Equal("cs_url: port 0 out of range 1..65535", Encoding.ASCII.GetString(_error.Message));
        }
    }
}
