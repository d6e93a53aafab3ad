using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp.Configuration;

namespace ChargePoint.Core.Ocpp
{
    // Authorization of an idTag (OCPP 1.6 4.1 Authorize, 3.5 Local Authorization & Offline
    // Behavior): by the central system, or locally from the AuthorizationCache and the offline
    // keys. RequestAuthorize asks, AuthorizeResult tells (AuthorizedBy says who decided):
    //
    //   online, cached Accepted, LocalPreAuthorize      Accepted at once, no Authorize.req (9.1.13)
    //   online, otherwise                               Authorize.req; its answer (a cached not-valid
    //                                                   idTag is asked again: 3.5.1)
    //   offline, cached Accepted, LocalAuthorizeOffline Accepted (9.1.12)
    //   offline, cached not valid (or expired)          that status: never treated as unknown (3.5.4)
    //   offline, unknown, AllowOfflineTxForUnknownId    Accepted (3.5.4 Unknown Offline Authorization)
    //   offline, otherwise                              Failed: nobody can say yes
    //
    // "Unknown" is what the cache cannot authorize: not in it, or (LocalAuthorizeOffline false)
    // not usable offline. A question asked while the link is up but the central system has not
    // accepted this charge point yet waits for the acceptance (4.2: nothing is asked before it);
    // one still waiting when the link goes down is decided offline then, so nobody waits
    // forever. The
    // cache is filled from every IdTagInfo the central system sends (3.5.1) while
    // AuthorizationCacheEnabled, and emptied by ClearCache and by turning the key off.
    public sealed partial class OcppChargePoint
    {
        private readonly AuthorizationCache _cache = new AuthorizationCache();
        private readonly AuthorizationSource[] _authorizeSource = new AuthorizationSource[ConnectorCount + 1];
        private readonly bool[] _remoteStart = new bool[ConnectorCount + 1]; // start the transaction once Accepted

        public AuthorizationCache Cache => _cache;

        // Asks whether `idTag` may charge on `connector`; AuthorizeResult tells (at once when it
        // was decided locally). False when the connector cannot take it now: one is being asked
        // for it already, it is Unavailable or Faulted, or a reset is under way.
        public bool RequestAuthorize(int connector, ReadOnlySpan<byte> idTag) => BeginAuthorize(connector, idTag, false);

        public AuthorizeOutcome AuthorizeResult(int connector, out AuthorizationStatus status)
        {
            status = _authorizeStatus[connector];
            return _authorizeOutcome[connector];
        }

        public AuthorizationSource AuthorizedBy(int connector) => _authorizeSource[connector];

        private bool IsAuthorizing(int connector) => _authorizePending[connector] || _authorizeInFlight == connector;

        // `remoteStart`: RemoteStartTransaction with AuthorizeRemoteTxRequests (5.11): the
        // transaction starts when the answer is Accepted.
        private bool BeginAuthorize(int connector, ReadOnlySpan<byte> idTag, bool remoteStart)
        {
            if (connector < 1 || connector > ConnectorCount || idTag.IsEmpty || IsAuthorizing(connector)) return false;
            Connector c = _connectors[connector];
            if (!c.Operative || c.Fault != ChargePointErrorCode.NoError || _resetRequested) return false;
            c.SetIdTag(idTag);
            _authorizeOutcome[connector] = AuthorizeOutcome.Pending;
            _authorizeSource[connector] = AuthorizationSource.None;
            _remoteStart[connector] = remoteStart;
            _sessionObserver?.AuthorizationRequested(connector, c.IdTag);
            if (TryAuthorizeLocally(connector)) return true;
            _authorizePending[connector] = true;
            Wake();
            return true;
        }

        // The table in the class comment. True when decided here; false: ask the central system.
        private bool TryAuthorizeLocally(int id)
        {
            bool offline = IsOffline;
            bool known = false;
            AuthorizationStatus cached = AuthorizationStatus.Invalid;
            if (_config.GetBool(ConfigurationKey.AuthorizationCacheEnabled))
            {
                bool clockSet = _wallClock.TryGetUtc(out long seconds, out int micro);
                known = _cache.TryGet(_connectors[id].IdTag, clockSet, seconds, micro / 1000, out cached);
            }
            if (known && cached == AuthorizationStatus.Accepted)
            {
                if (!offline && _config.GetBool(ConfigurationKey.LocalPreAuthorize))
                {
                    Decide(id, AuthorizationStatus.Accepted, AuthorizationSource.Cache);
                    return true;
                }
                if (offline && _config.GetBool(ConfigurationKey.LocalAuthorizeOffline))
                {
                    Decide(id, AuthorizationStatus.Accepted, AuthorizationSource.Cache);
                    return true;
                }
            }
            if (!offline) return false;
            if (known && cached != AuthorizationStatus.Accepted)
            {
                Decide(id, cached, AuthorizationSource.Cache);
                return true;
            }
            if (_config.GetBool(ConfigurationKey.AllowOfflineTxForUnknownId))
            {
                Decide(id, AuthorizationStatus.Accepted, AuthorizationSource.UnknownOffline);
                return true;
            }
            _authorizePending[id] = false;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("idTag "u8).Append(_connectors[id].IdTag).Append(" on connector "u8).Append(id)
                .Append(": offline and not authorized locally"u8).End();
            DecideFailed(id);
            return true;
        }

        // The link went down, or the central system did not accept us: every question still
        // waiting is decided offline.
        private void DecideWaitingAuthorizationsOffline()
        {
            for (int id = 1; id <= ConnectorCount; id++)
                if (_authorizePending[id]) TryAuthorizeLocally(id);
        }

        private void Decide(int id, AuthorizationStatus status, AuthorizationSource source)
        {
            _authorizePending[id] = false;
            _authorizeStatus[id] = status;
            _authorizeOutcome[id] = AuthorizeOutcome.Answered;
            _authorizeSource[id] = source;
            _sessionObserver?.Authorized(id, status);
            if (source != AuthorizationSource.CentralSystem)
            {
                _log.Begin(LogLevel.Info, "ocpp"u8).Append("idTag "u8).Append(_connectors[id].IdTag).Append(" on connector "u8).Append(id)
                    .Append(": "u8).Append(AuthorizationStatusText.Of(status))
                    .Append(source == AuthorizationSource.Cache ? " from the authorization cache"u8 : " offline, unknown idTags allowed"u8).End();
            }
            if (!_remoteStart[id]) return;
            _remoteStart[id] = false;
            if (status == AuthorizationStatus.Accepted && StartTransaction(id)) return;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("remote start on connector "u8).Append(id).Append(" not started: idTag "u8)
                .Append(AuthorizationStatusText.Of(status)).End();
        }

        private void DecideFailed(int id)
        {
            _authorizePending[id] = false;
            _authorizeOutcome[id] = AuthorizeOutcome.Failed;
            _authorizeSource[id] = AuthorizationSource.None;
            _sessionObserver?.Authorized(id, AuthorizationStatus.Invalid);
            if (!_remoteStart[id]) return;
            _remoteStart[id] = false;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("remote start on connector "u8).Append(id).Append(" not started: no authorization"u8).End();
        }

        // OCPP 1.6 3.5.1: "The Cache is updated using all received IdTagInfo (from Authorize.conf,
        // StartTransaction.conf and StopTransaction.conf)".
        private void Remember(ReadOnlySpan<byte> idTag, in IdTagInfo info)
        {
            if (idTag.IsEmpty || !_config.GetBool(ConfigurationKey.AuthorizationCacheEnabled)) return;
            _cache.Update(idTag, info.Status, info.Expires, info.ExpirySeconds, info.ExpiryMilliseconds);
        }

        // OCPP 1.6 7.24 IdTagInfo, as read from a .conf.
        private struct IdTagInfo
        {
            public AuthorizationStatus Status;
            public bool Expires;
            public long ExpirySeconds;
            public int ExpiryMilliseconds;
        }
    }
}
