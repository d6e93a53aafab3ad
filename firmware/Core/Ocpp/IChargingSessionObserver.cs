using System;

namespace ChargePoint.Core.Ocpp
{
    // What a charging session goes through, as the charge point decides it, for whoever records it
    // (the session stream, ChargePoint.Core.SessionLog; the charge point knows nothing of it).
    // Called from the charge point's own code, on its task, in this order for one connector:
    // AuthorizationRequested, Authorized, TransactionStarted, TransactionStopping (a transaction
    // started without an authorization, RemoteStartTransaction with AuthorizeRemoteTxRequests
    // false, begins at TransactionStarted). An observer records and returns: it never calls back
    // into the charge point, never blocks and never allocates.
    public interface IChargingSessionObserver
    {
        // An idTag was presented on the connector (by the user side or RemoteStartTransaction) and
        // its authorization is being decided.
        void AuthorizationRequested(int connector, ReadOnlySpan<byte> idTag);

        // Decided: by the central system's Authorize.conf, by the authorization cache or by the
        // offline rules (OCPP 1.6 3.5). A question nobody could decide (no answer, offline with no
        // local rule) is reported as Invalid: not authorized.
        void Authorized(int connector, AuthorizationStatus status);

        // A transaction started on the connector for `idTag`: its meter runs from now
        // (StartTransaction.req is queued, OCPP 1.6 4.8).
        void TransactionStarted(int connector, ReadOnlySpan<byte> idTag);

        // The connector's transaction ends now (OCPP 1.6 4.10); called before its meter stops, so
        // that the meter can still be read up to this instant.
        void TransactionStopping(int connector);
    }
}
