using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The Authorization Cache (OCPP 1.6 3.5.1) and the local authorization keys: LocalPreAuthorize
    // (9.1.13), LocalAuthorizeOffline (9.1.12), AllowOfflineTxForUnknownId (9.1.1, 3.5.4),
    // AuthorizationCacheEnabled (9.1.2), through RequestAuthorize / AuthorizeResult.
    public class AuthorizationCacheTests
    {
        private const long Now = 1707890823; // 2024-02-14T06:07:03Z

        private static byte[] Tag(string text) => Encoding.UTF8.GetBytes(text);

        private static AuthorizationStatus? Lookup(AuthorizationCache cache, string idTag, long nowSeconds = Now, bool clockSet = true) =>
            cache.TryGet(Tag(idTag), clockSet, nowSeconds, 0, out AuthorizationStatus status) ? status : null;

        // ---- the cache itself ----------------------------------------------------------------------
        [Fact]
        public void The_cache_keeps_the_latest_status_of_every_idTag_valid_or_not()
        {
            var cache = new AuthorizationCache();
            cache.Update(Tag("A"), AuthorizationStatus.Accepted, false, 0, 0);
            cache.Update(Tag("B"), AuthorizationStatus.Blocked, false, 0, 0);
            Assert.Equal(AuthorizationStatus.Accepted, Lookup(cache, "A"));
            Assert.Equal(AuthorizationStatus.Blocked, Lookup(cache, "B"));
            Assert.Null(Lookup(cache, "C"));
            cache.Update(Tag("A"), AuthorizationStatus.Invalid, false, 0, 0); // 3.5.1: updated
            Assert.Equal(AuthorizationStatus.Invalid, Lookup(cache, "A"));
            Assert.Equal(2, cache.Count);
        }

        // IdToken is a CiString20Type: case insensitive.
        [Fact]
        public void An_idTag_is_found_in_any_letter_case()
        {
            var cache = new AuthorizationCache();
            cache.Update(Tag("04a1b2c3"), AuthorizationStatus.Accepted, false, 0, 0);
            Assert.Equal(AuthorizationStatus.Accepted, Lookup(cache, "04A1B2C3"));
            cache.Update(Tag("04A1B2C3"), AuthorizationStatus.Blocked, false, 0, 0);
            Assert.Equal(1, cache.Count);
        }

        // 3.5.1: "When the validity of a Cache entry expires, it SHALL be changed to expired in the Cache."
        [Fact]
        public void An_entry_whose_expiryDate_has_passed_reads_Expired_and_stays_Expired()
        {
            var cache = new AuthorizationCache();
            cache.Update(Tag("A"), AuthorizationStatus.Accepted, true, Now + 60, 500);
            Assert.Equal(AuthorizationStatus.Accepted, Lookup(cache, "A", Now + 60));
            Assert.True(cache.TryGet(Tag("A"), true, Now + 60, 499, out AuthorizationStatus before));
            Assert.Equal(AuthorizationStatus.Accepted, before);
            Assert.True(cache.TryGet(Tag("A"), true, Now + 60, 500, out AuthorizationStatus at));
            Assert.Equal(AuthorizationStatus.Expired, at);
            Assert.Equal(AuthorizationStatus.Expired, Lookup(cache, "A", Now)); // changed in the cache
        }

        [Fact]
        public void Without_the_time_an_entry_with_an_expiryDate_cannot_be_shown_valid()
        {
            var cache = new AuthorizationCache();
            cache.Update(Tag("A"), AuthorizationStatus.Accepted, true, Now + 3600, 0);
            cache.Update(Tag("B"), AuthorizationStatus.Accepted, false, 0, 0);
            Assert.Equal(AuthorizationStatus.Expired, Lookup(cache, "A", 0, clockSet: false));
            Assert.Equal(AuthorizationStatus.Accepted, Lookup(cache, "B", 0, clockSet: false));
            Assert.Equal(AuthorizationStatus.Accepted, Lookup(cache, "A")); // not changed: the time was unknown
        }

        // 3.5.1: "If new identifier authorization data is received and the Authorization Cache is
        // full, the Charge Point SHALL remove any NOT-valid entries, and then, if necessary, the
        // oldest valid entries to make space for the new entry."
        [Fact]
        public void A_full_cache_makes_room_from_the_oldest_not_valid_entry_first_then_the_oldest_valid_one()
        {
            var cache = new AuthorizationCache(4);
            cache.Update(Tag("A"), AuthorizationStatus.Accepted, false, 0, 0);
            cache.Update(Tag("B"), AuthorizationStatus.Blocked, false, 0, 0);
            cache.Update(Tag("C"), AuthorizationStatus.Accepted, false, 0, 0);
            cache.Update(Tag("D"), AuthorizationStatus.Invalid, false, 0, 0);
            cache.Update(Tag("E"), AuthorizationStatus.Accepted, false, 0, 0); // B goes
            Assert.Null(Lookup(cache, "B"));
            cache.Update(Tag("F"), AuthorizationStatus.Accepted, false, 0, 0); // D goes
            Assert.Null(Lookup(cache, "D"));
            cache.Update(Tag("A"), AuthorizationStatus.Accepted, false, 0, 0); // A renewed: C is now the oldest
            cache.Update(Tag("G"), AuthorizationStatus.Accepted, false, 0, 0);
            Assert.Null(Lookup(cache, "C"));
            Assert.Equal(new[] { "A", "E", "F", "G" }.Select(t => (AuthorizationStatus?)AuthorizationStatus.Accepted), new[] { "A", "E", "F", "G" }.Select(t => Lookup(cache, t)));
            Assert.Equal(4, cache.Count);
            Assert.Equal(AuthorizationCache.DefaultCapacity, new AuthorizationCache().Capacity);
        }

        [Fact]
        public void Clear_empties_the_cache()
        {
            var cache = new AuthorizationCache();
            cache.Update(Tag("A"), AuthorizationStatus.Accepted, false, 0, 0);
            cache.Clear();
            Assert.Equal(0, cache.Count);
            Assert.Null(Lookup(cache, "A"));
        }

        [Fact]
        public void Filling_and_reading_the_cache_allocates_nothing()
        {
            var cache = new AuthorizationCache();
            byte[][] tags = Enumerable.Range(0, 20).Select(i => Tag("Tag" + i)).ToArray();
            void Work()
            {
                foreach (byte[] tag in tags)
                {
                    cache.Update(tag, AuthorizationStatus.Accepted, true, Now, 0);
                    cache.TryGet(tag, true, Now, 0, out _);
                }
            }
            Work();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Work();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // ---- the charge point's use of it ----------------------------------------------------------
        private static ChargePointBench Booted()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            return bench;
        }

        private static string IdTagInfo(string status, string expiry = null) =>
            "{\"status\":\"" + status + "\"" + (expiry == null ? "" : ",\"expiryDate\":\"" + expiry + "\"") + "}";

        // Authorize.req for `idTag` on `connector`, answered with `idTagInfo`.
        private static void AuthorizeOnline(ChargePointBench bench, int connector, string idTag, string idTagInfo)
        {
            bench.Answerer = call => call.Action == "Authorize" ? "{\"idTagInfo\":" + idTagInfo + "}" : bench.DefaultConf(call);
            Assert.True(bench.ChargePoint.RequestAuthorize(connector, Tag(idTag)));
            bench.Run();
            bench.ExpectCall("Authorize");
            bench.Settle();
            bench.Answerer = bench.DefaultConf;
        }

        private static (AuthorizeOutcome Outcome, AuthorizationStatus Status, AuthorizationSource Source) Result(ChargePointBench bench, int connector)
        {
            AuthorizeOutcome outcome = bench.ChargePoint.AuthorizeResult(connector, out AuthorizationStatus status);
            return (outcome, status, bench.ChargePoint.AuthorizedBy(connector));
        }

        // 4.1 / 3.5.1: Authorize.conf, StartTransaction.conf and StopTransaction.conf update it.
        [Fact]
        public void Every_IdTagInfo_the_central_system_sends_updates_the_cache()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted", "2030-01-01T00:00:00Z"));
            Assert.Equal(AuthorizationStatus.Accepted, Lookup(bench.ChargePoint.Cache, "ZepId00"));
            Assert.Equal(AuthorizationStatus.Expired, Lookup(bench.ChargePoint.Cache, "ZepId00", 1893456000)); // 2030-01-01

            bench.Answerer = call => call.Action == "StartTransaction"
                ? "{\"idTagInfo\":{\"status\":\"ConcurrentTx\"},\"transactionId\":5}" : bench.DefaultConf(call);
            bench.Configure("StopTransactionOnInvalidId", "false");
            Assert.True(bench.ChargePoint.StartTransaction(1));
            bench.Run();
            bench.Settle();
            Assert.Equal(AuthorizationStatus.ConcurrentTx, Lookup(bench.ChargePoint.Cache, "ZepId00"));

            bench.Answerer = call => call.Action == "StopTransaction" ? "{\"idTagInfo\":{\"status\":\"Blocked\"}}" : bench.DefaultConf(call);
            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.Local));
            bench.Run();
            bench.Settle();
            Assert.Equal(AuthorizationStatus.Blocked, Lookup(bench.ChargePoint.Cache, "ZepId00"));
        }

        [Fact]
        public void An_Authorize_conf_with_a_malformed_expiryDate_is_not_used_or_cached()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted", "soon"));
            Assert.Equal(AuthorizeOutcome.Failed, Result(bench, 1).Outcome);
            Assert.Equal(0, bench.ChargePoint.Cache.Count);
            Assert.Contains("<err> ocpp: Authorize.conf does not match its schema", bench.LogText);
        }

        // 9.1.2: with AuthorizationCacheEnabled false there is no cache.
        [Fact]
        public void With_AuthorizationCacheEnabled_false_nothing_is_cached_and_turning_it_off_empties_the_cache()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted"));
            Assert.Equal(1, bench.ChargePoint.Cache.Count);
            bench.Configure("AuthorizationCacheEnabled", "false");
            Assert.Equal(0, bench.ChargePoint.Cache.Count);
            AuthorizeOnline(bench, 2, "ZepId01", IdTagInfo("Accepted"));
            Assert.Equal(0, bench.ChargePoint.Cache.Count);

            // Offline, the cache is not asked: ZepId01 is unknown.
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(1, Tag("ZepId01")));
            Assert.Equal(AuthorizeOutcome.Failed, Result(bench, 1).Outcome);
        }

        // 9.1.13 LocalPreAuthorize: "whether the Charge Point, when online, will start a transaction
        // for locally-authorized identifiers without waiting for or requesting an Authorize.conf".
        [Fact]
        public void With_LocalPreAuthorize_a_cached_Accepted_idTag_is_Accepted_at_once_without_an_Authorize()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted"));
            bench.Configure("LocalPreAuthorize", "true");
            int before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("zepid00")));
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.Cache), Result(bench, 2));
            bench.Advance(1000);
            Assert.Empty(bench.CallsSince(before));
        }

        [Fact]
        public void Without_LocalPreAuthorize_a_cached_idTag_is_asked_for_again()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted"));
            Assert.True(bench.ChargePoint.RequestAuthorize(1, Tag("ZepId00")));
            Assert.Equal(AuthorizeOutcome.Pending, Result(bench, 1).Outcome);
            bench.Run();
            bench.ExpectCall("Authorize");
            bench.Settle();
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.CentralSystem), Result(bench, 1));
        }

        // 3.5.1: "When an identifier is presented that is stored in the cache as NOT-valid, and the
        // Charge Point is online: an Authorize.req SHOULD be sent".
        [Fact]
        public void A_cached_idTag_that_is_not_valid_is_asked_for_again_online_even_with_LocalPreAuthorize()
        {
            ChargePointBench bench = Booted();
            bench.Configure("LocalPreAuthorize", "true");
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Blocked"));
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted"));
            Assert.Equal(2, bench.Calls("Authorize").Count());
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.CentralSystem), Result(bench, 1));
        }

        // 9.1.12 LocalAuthorizeOffline: "whether the Charge Point, when offline, will start a
        // transaction for locally-authorized identifiers".
        [Fact]
        public void Offline_with_LocalAuthorizeOffline_a_cached_Accepted_idTag_is_Accepted_from_the_cache()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted", "2030-01-01T00:00:00Z"));
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("ZepId00")));
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.Cache), Result(bench, 2));
            Assert.True(bench.ChargePoint.StartTransaction(2));
            Assert.Contains("<inf> ocpp: idTag ZepId00 on connector 2: Accepted from the authorization cache", bench.LogText);
        }

        [Fact]
        public void Offline_without_LocalAuthorizeOffline_a_cached_idTag_counts_as_unknown()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted"));
            bench.Configure("LocalAuthorizeOffline", "false");
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("ZepId00")));
            Assert.Equal(AuthorizeOutcome.Failed, Result(bench, 2).Outcome);
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("ZepId00")));
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.UnknownOffline), Result(bench, 2));
        }

        // 3.5.4: "Identifiers that were valid but are apparently expired due to passage of time
        // MUST also be rejected": never let in as unknown.
        [Theory]
        [InlineData("Blocked", null, AuthorizationStatus.Blocked)]
        [InlineData("Invalid", null, AuthorizationStatus.Invalid)]
        [InlineData("Accepted", "2024-02-14T06:07:04Z", AuthorizationStatus.Expired)] // one second after the boot
        public void Offline_a_cached_idTag_that_is_not_valid_is_refused_even_when_unknown_idTags_may_charge(string status, string expiry, AuthorizationStatus expected)
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo(status, expiry));
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            bench.Disconnect();
            bench.Advance(5000);
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("ZepId00")));
            Assert.Equal((AuthorizeOutcome.Answered, expected, AuthorizationSource.Cache), Result(bench, 2));
        }

        // 9.1.1 / 3.5.4 Unknown Offline Authorization.
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Offline_an_unknown_idTag_may_charge_only_with_AllowOfflineTxForUnknownId(bool allowed)
        {
            ChargePointBench bench = Booted();
            bench.Configure("AllowOfflineTxForUnknownId", allowed ? "true" : "false");
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(1, Tag("Walkup01")));
            if (allowed) Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.UnknownOffline), Result(bench, 1));
            else
            {
                Assert.Equal(AuthorizeOutcome.Failed, Result(bench, 1).Outcome);
                Assert.Contains("<wrn> ocpp: idTag Walkup01 on connector 1: offline and not authorized locally", bench.LogText);
            }
        }

        // Before the first connection there is no central system to ask either.
        [Fact]
        public void Before_the_first_connection_an_idTag_is_decided_offline()
        {
            var bench = new ChargePointBench();
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            Assert.True(bench.ChargePoint.RequestAuthorize(1, Tag("Walkup01")));
            Assert.Equal(AuthorizationSource.UnknownOffline, Result(bench, 1).Source);
        }

        // The brief's "instead of waiting forever": a question asked online whose answer the link
        // takes with it, or asked before the link went down, is decided offline.
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void An_Authorize_waiting_when_the_link_goes_down_is_decided_offline(bool sent)
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted"));
            bench.Answerer = call => call.Action == "Authorize" ? null : bench.DefaultConf(call);
            if (!sent) bench.Channel.RefuseSends = true;
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("ZepId00")));
            bench.Run();
            Assert.Equal(sent, bench.Rpc.IsCallPending);
            bench.Channel.RefuseSends = false;
            Assert.Equal(AuthorizeOutcome.Pending, Result(bench, 2).Outcome);
            bench.Disconnect();
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Accepted, AuthorizationSource.Cache), Result(bench, 2));
            int reconnected = bench.Sent.Count;
            bench.Connect();
            bench.Advance(1000);
            Assert.DoesNotContain(bench.CallsSince(reconnected), c => c.Action == "Authorize"); // not asked again: it was answered
        }

        // 4.2: nothing is asked before the central system accepted the charge point; a question
        // waits for that (and, if the link goes first, is decided offline).
        [Fact]
        public void An_idTag_presented_while_the_boot_is_Pending_waits_for_the_acceptance()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult("{\"status\":\"Pending\",\"currentTime\":\"" + bench.CentralSystemTime + "\",\"interval\":60}");
            Assert.True(bench.ChargePoint.RequestAuthorize(1, Tag("ZepId00")));
            bench.Advance(1000);
            Assert.Equal(AuthorizeOutcome.Pending, Result(bench, 1).Outcome);
            Assert.Empty(bench.Calls("Authorize"));
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            bench.Disconnect();
            Assert.Equal(AuthorizationSource.UnknownOffline, Result(bench, 1).Source);
        }

        // 3.5.4: "When the authorization status in the StartTransaction.conf is not Accepted, and the
        // transaction is still ongoing, the Charge Point SHOULD ... stop the transaction ...
        // DeAuthorized" (StopTransactionOnInvalidId, true by default).
        [Fact]
        public void A_transaction_authorized_offline_that_the_central_system_refuses_is_stopped_DeAuthorized_and_the_refusal_cached()
        {
            ChargePointBench bench = Booted();
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            bench.Configure("MeterValueSampleInterval", "0");
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(1, Tag("Walkup01")));
            Assert.True(bench.ChargePoint.StartTransaction(1));
            bench.Advance(10000);
            bench.Answerer = call => call.Action == "StartTransaction" ? "{\"idTagInfo\":{\"status\":\"Invalid\"},\"transactionId\":66}"
                : call.Action == "StopTransaction" ? "{}" : bench.DefaultConf(call);
            bench.Connect();
            bench.Settle();
            SentFrame stop = bench.Calls("StopTransaction").Single();
            Assert.Equal("DeAuthorized", stop.Payload.GetProperty("reason").GetString());
            Assert.Equal(66, stop.Payload.GetProperty("transactionId").GetInt32());
            Assert.Equal(AuthorizationStatus.Invalid, Lookup(bench.ChargePoint.Cache, "Walkup01"));

            // Offline again, the refused idTag is not let in as unknown any more.
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(2, Tag("Walkup01")));
            Assert.Equal((AuthorizeOutcome.Answered, AuthorizationStatus.Invalid, AuthorizationSource.Cache), Result(bench, 2));
        }

        // RemoteStartTransaction with AuthorizeRemoteTxRequests authorizes "as if in response to a
        // local action" (5.11): LocalPreAuthorize applies too.
        [Fact]
        public void A_remote_start_of_a_cached_idTag_with_LocalPreAuthorize_starts_without_an_Authorize()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "Remote01", IdTagInfo("Accepted"));
            bench.Configure("LocalPreAuthorize", "true");
            int before = bench.Sent.Count;
            SentFrame answer = bench.Call("r1", "RemoteStartTransaction", "{\"connectorId\":2,\"idTag\":\"Remote01\"}");
            Assert.Equal("Accepted", answer.Payload.GetProperty("status").GetString());
            Assert.True(bench.Connectors[2].HasTransaction);
            bench.Settle();
            Assert.DoesNotContain(bench.CallsSince(before), c => c.Action == "Authorize");
        }

        [Fact]
        public void Deciding_an_authorization_offline_allocates_nothing()
        {
            ChargePointBench bench = Booted();
            AuthorizeOnline(bench, 1, "ZepId00", IdTagInfo("Accepted", "2030-01-01T00:00:00Z"));
            bench.Disconnect();
            bench.Channel.Record = false;
            byte[] known = Tag("ZepId00"), unknown = Tag("Walkup01");
            void Work()
            {
                for (int i = 0; i < 50; i++)
                {
                    bench.Console.Clear();
                    bench.ChargePoint.RequestAuthorize(1, i % 2 == 0 ? known : unknown);
                    bench.ChargePoint.AuthorizeResult(1, out _);
                }
            }
            Work();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Work();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
