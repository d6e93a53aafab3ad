'use strict';
// Tests of tools/csms itself: `node --test tools/csms/test` (or `npm test` in tools/csms).
// The central system runs as a child process in --json mode on free ports; ocpp-rpc's own
// RPCClient plays the charge point.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const net = require('node:net');
const { RPCClient } = require('ocpp-rpc');

const { Csms, withTimeout, WS_PATH, STEP_MS } = require('../test-support/csms-process');

const TEST_MS = 20000;  // the longest any test may take

function chargePoint(csms, identity, options = {}) {
    return new RPCClient({
        endpoint: csms.url,
        identity,
        protocols: ['ocpp1.6'],
        strictMode: true,
        reconnect: false,
        callTimeoutMs: STEP_MS,
        ...options,
    });
}

const BOOT = { chargePointVendor: 'SharpCharge', chargePointModel: 'mps2-an500' };

describe('csms', { timeout: 120000 }, () => {
    let csms;
    const clients = [];
    const connect = async (identity, options) => {
        const cp = chargePoint(csms, identity, options);
        clients.push(cp);
        await withTimeout(cp.connect(), STEP_MS, `connect ${identity}`);
        return cp;
    };

    before(async () => {
        csms = await Csms.start(['--heartbeat', '42', '--sntp-time', '1700000000.25']);
    });

    after(async () => {
        await Promise.allSettled(clients.map(c => c.close({ force: true })));
        if (csms) await csms.stop();
    });

    test('--port 0 and --sntp-port 0 report the ports they got, first of all', { timeout: TEST_MS }, () => {
        assert.equal(csms.lines[0].event, 'listening');
        assert.ok(Number.isInteger(csms.listening.port) && csms.listening.port > 0);
        assert.ok(Number.isInteger(csms.listening.sntpPort) && csms.listening.sntpPort > 0);
        assert.notEqual(csms.listening.port, 8180);
    });

    test('BootNotification is accepted, validated both ways, and logged', { timeout: TEST_MS }, async () => {
        const from = csms.mark();
        const cp = await connect('CP001');
        const connected = await csms.waitFor(l => l.event === 'connected' && l.cp === 'CP001', 'connected', { from });
        assert.equal(connected.protocol, 'ocpp1.6');
        assert.match(connected.remote, /^127\.0\.0\.1:\d+$/);

        const conf = await cp.call('BootNotification', BOOT); // the client validates the .conf too
        assert.equal(conf.status, 'Accepted');
        assert.equal(conf.interval, 42);
        assert.match(conf.currentTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        assert.ok(Math.abs(Date.parse(conf.currentTime) - Date.now()) < 60000);

        const call = await csms.waitFor(l => l.dir === 'in' && l.type === 'call' && l.action === 'BootNotification', 'in call', { from });
        assert.equal(call.cp, 'CP001');
        assert.deepEqual(call.payload, BOOT);
        assert.equal(typeof call.t, 'number');
        const res = await csms.waitFor(l => l.dir === 'out' && l.type === 'result' && l.id === call.id, 'out result', { from });
        assert.equal(res.action, 'BootNotification');
        assert.deepEqual(res.payload, conf);

        assert.deepEqual(await cp.call('Heartbeat', {}).then(r => Object.keys(r)), ['currentTime']);
        assert.deepEqual(await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }), {});
        assert.equal((await cp.call('Authorize', { idTag: 'ZepId00' })).idTagInfo.status, 'Accepted');
        assert.equal((await cp.call('Authorize', { idTag: 'ZepId01' })).idTagInfo.status, 'Accepted');
        assert.equal((await cp.call('Authorize', { idTag: 'Nobody' })).idTagInfo.status, 'Invalid');
        const start = { connectorId: 1, idTag: 'ZepId00', meterStart: 0, timestamp: new Date().toISOString() };
        const t1 = await cp.call('StartTransaction', start);
        const t2 = await cp.call('StartTransaction', { ...start, idTag: 'Nobody' });
        assert.equal(t1.idTagInfo.status, 'Accepted');
        assert.equal(t2.idTagInfo.status, 'Invalid');
        assert.equal(t2.transactionId, t1.transactionId + 1);
        assert.deepEqual(await cp.call('MeterValues', {
            connectorId: 1, transactionId: t1.transactionId,
            meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '10' }] }],
        }), {});
        const stop = { transactionId: t1.transactionId, meterStop: 10, timestamp: new Date().toISOString() };
        assert.deepEqual(await cp.call('StopTransaction', { ...stop, idTag: 'ZepId00' }), { idTagInfo: { status: 'Accepted' } });
        assert.deepEqual(await cp.call('StopTransaction', stop), {});
        assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'x' }), { status: 'UnknownVendorId' });
        await assert.rejects(cp.call('FirmwareStatusNotification', { status: 'Idle' }), { rpcErrorCode: 'NotImplemented' });

        assert.equal(csms.lines.slice(from).filter(l => l.event === 'validation-error').length, 0);
    });

    test('the first transactionId is 1', { timeout: TEST_MS }, async () => {
        const fresh = await Csms.start(['--no-sntp']);
        try {
            assert.equal(fresh.listening.sntpPort, null);
            const cp = chargePoint(fresh, 'CPTX');
            clients.push(cp);
            await withTimeout(cp.connect(), STEP_MS, 'connect');
            const r = await cp.call('StartTransaction', { connectorId: 1, idTag: 'ZepId01', meterStart: 0, timestamp: new Date().toISOString() });
            assert.deepEqual(r, { transactionId: 1, idTagInfo: { status: 'Accepted' } });
            await cp.close();
        } finally {
            await fresh.stop();
        }
    });

    test('a client without the ocpp1.6 subprotocol is refused', { timeout: TEST_MS }, async () => {
        for (const protocols of [[], ['ocpp2.0.1']]) {
            const from = csms.mark();
            const cp = chargePoint(csms, 'CPNOPROTO', { protocols, strictMode: false });
            clients.push(cp);
            await assert.rejects(withTimeout(cp.connect(), STEP_MS, 'connect'), err => err.code === 400);
            const rej = await csms.waitFor(l => l.event === 'rejected' && l.cp === 'CPNOPROTO', 'rejected', { from });
            assert.equal(rej.status, 400);
            assert.match(rej.reason, /ocpp1\.6/);
        }
        const clientsNow = await csms.send({ cmd: 'clients' });
        assert.ok(!clientsNow.clients.includes('CPNOPROTO'));
    });

    test('any other path is refused with 404, and a bad one does not crash it', { timeout: TEST_MS }, async () => {
        const cp = new RPCClient({
            endpoint: `ws://127.0.0.1:${csms.listening.port}/ocpp`, identity: 'CPPATH', protocols: ['ocpp1.6'], reconnect: false,
        });
        clients.push(cp);
        await assert.rejects(withTimeout(cp.connect(), STEP_MS, 'connect'), err => err.code === 404);

        const status = await new Promise((resolve, reject) => {
            const s = net.connect(csms.listening.port, '127.0.0.1', () => {
                s.write(`GET ${WS_PATH}/%E0%A4%A HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n');
            });
            let data = '';
            s.on('data', d => { data += d; });
            s.on('close', () => resolve(data.split(' ')[1]));
            s.on('error', reject);
            s.setTimeout(STEP_MS, () => { s.destroy(); reject(new Error('no answer')); });
        });
        assert.equal(status, '400');
        assert.ok((await csms.send({ cmd: 'clients' })).ok);
    });

    test('HTTP basic auth with --password', { timeout: TEST_MS }, async () => {
        const locked = await Csms.start(['--password', 'sixteen-chars-pw', '--no-sntp']);
        try {
            const mk = options => {
                const cp = chargePoint(locked, 'CPAUTH', options);
                clients.push(cp);
                return cp;
            };
            await assert.rejects(withTimeout(mk({}).connect(), STEP_MS, 'connect'), err => err.code === 401);
            await assert.rejects(withTimeout(mk({ password: 'wrong' }).connect(), STEP_MS, 'connect'), err => err.code === 401);
            const ok = mk({ password: 'sixteen-chars-pw' });
            await withTimeout(ok.connect(), STEP_MS, 'connect');
            assert.equal((await ok.call('BootNotification', BOOT)).status, 'Accepted');
            await ok.close();
        } finally {
            await locked.stop();
        }
        // without --password any credentials are accepted
        const cp = chargePoint(csms, 'CPANYPW', { password: 'whatever' });
        clients.push(cp);
        await withTimeout(cp.connect(), STEP_MS, 'connect');
        await cp.close();
    });

    test('a schema-invalid call gets a CALLERROR and a validation-error line', { timeout: TEST_MS }, async () => {
        // strictMode off on this side, so that the invalid call leaves it
        const cp = await connect('CPBAD', { strictMode: false });
        const from = csms.mark();
        await assert.rejects(cp.call('BootNotification', { chargePointVendor: 5, chargePointModel: 'x' }),
            { rpcErrorCode: 'TypeConstraintViolation' });
        const v = await csms.waitFor(l => l.event === 'validation-error' && l.cp === 'CPBAD', 'validation-error', { from });
        assert.equal(v.dir, 'in');
        assert.equal(v.kind, 'schema');
        assert.equal(v.action, 'BootNotification');
        assert.equal(v.code, 'TypeConstraintViolation');
        assert.match(v.detail, /chargePointVendor/);
        const err = await csms.waitFor(l => l.cp === 'CPBAD' && l.dir === 'out' && l.type === 'error', 'out error', { from });
        assert.equal(err.error.code, 'TypeConstraintViolation');
        assert.equal(err.action, 'BootNotification');

        await assert.rejects(cp.call('StatusNotification', { connectorId: 1 }), { rpcErrorCode: 'OccurrenceConstraintViolation' });
        const occ = await csms.waitFor(l => l.event === 'validation-error' && l.action === 'StatusNotification', 'validation-error', { from });
        assert.equal(occ.code, 'OccurrenceConstraintViolation'); // the code that went out, OCPP 1.6J spelling

        // framing errors are answered and logged too, and the connection lives on
        const from2 = csms.mark();
        cp.sendRaw('this is not json');
        const f = await csms.waitFor(l => l.event === 'validation-error' && l.kind === 'framing', 'framing error', { from: from2 });
        assert.equal(f.cp, 'CPBAD');
        assert.equal((await cp.call('BootNotification', BOOT)).status, 'Accepted');
    });

    test('control: call', { timeout: TEST_MS }, async () => {
        const cp = await connect('CPCALL');
        cp.handle('GetConfiguration', ({ params }) => ({
            configurationKey: params.key.map(key => ({ key, readonly: false, value: '60' })),
        }));
        cp.handle('ChangeConfiguration', () => new Promise(() => {})); // never answers
        const lax = await connect('CPLAX', { strictMode: false });      // so that it can answer badly
        lax.handle('ClearCache', () => ({ status: 'Bogus' }));

        const r = await csms.send({ cmd: 'call', cp: 'CPCALL', action: 'GetConfiguration', payload: { key: ['HeartbeatInterval'] } });
        assert.equal(r.ok, true);
        assert.deepEqual(r.result, { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }] });
        assert.ok(csms.lines.some(l => l.dir === 'out' && l.type === 'call' && l.action === 'GetConfiguration' && l.id === r.messageId));
        assert.ok(csms.lines.some(l => l.dir === 'in' && l.type === 'result' && l.action === 'GetConfiguration' && l.id === r.messageId));

        const ni = await csms.send({ cmd: 'call', cp: 'CPCALL', action: 'Reset', payload: { type: 'Soft' } });
        assert.equal(ni.ok, false);
        assert.equal(ni.error.code, 'NotImplemented');

        const to = await csms.send({ cmd: 'call', cp: 'CPCALL', action: 'ChangeConfiguration', payload: { key: 'a', value: 'b' }, timeoutMs: 300 });
        assert.equal(to.ok, false);
        assert.equal(to.error.code, 'Timeout');

        let from = csms.mark();
        const badOut = await csms.send({ cmd: 'call', cp: 'CPCALL', action: 'Reset', payload: { type: 'Sideways' } });
        assert.equal(badOut.ok, false);
        assert.equal(badOut.error.code, 'FormationViolation'); // an enum mismatch, OCPP 1.6J spelling
        const v = await csms.waitFor(l => l.event === 'validation-error' && l.dir === 'out', 'outbound validation-error', { from });
        assert.equal(v.action, 'Reset');
        assert.equal(v.messageType, 'call');

        from = csms.mark();
        const badIn = await csms.send({ cmd: 'call', cp: 'CPLAX', action: 'ClearCache' });
        assert.equal(badIn.ok, false);
        assert.equal(badIn.error.code, 'FormationViolation');
        const vi = await csms.waitFor(l => l.event === 'validation-error' && l.dir === 'in', 'inbound result validation-error', { from });
        assert.equal(vi.action, 'ClearCache');
        assert.equal(vi.messageType, 'result');

        const nc = await csms.send({ cmd: 'call', cp: 'NOSUCHCP', action: 'Reset', payload: { type: 'Soft' } });
        assert.equal(nc.ok, false);
        assert.equal(nc.error.code, 'NotConnected');
    });

    test('control: respond', { timeout: TEST_MS }, async () => {
        const cp = await connect('CPRESP');
        const pending = { status: 'Pending', currentTime: '2024-01-01T00:00:00Z', interval: 5 };
        assert.equal((await csms.send({ cmd: 'respond', action: 'BootNotification', times: 1, result: pending })).ok, true);
        assert.deepEqual(await cp.call('BootNotification', BOOT), pending);
        assert.equal((await cp.call('BootNotification', BOOT)).status, 'Accepted'); // once only

        await csms.send({ cmd: 'respond', action: 'Heartbeat', times: 2, error: { code: 'InternalError', description: 'x' } });
        await assert.rejects(cp.call('Heartbeat', {}), { rpcErrorCode: 'InternalError', message: 'x' });
        await assert.rejects(cp.call('Heartbeat', {}), { rpcErrorCode: 'InternalError' });
        assert.ok((await cp.call('Heartbeat', {})).currentTime);

        await csms.send({ cmd: 'respond', action: 'DataTransfer', times: -1, result: { status: 'Accepted', data: 'hi' } });
        for (let i = 0; i < 3; i++) assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'v' }), { status: 'Accepted', data: 'hi' });
        assert.deepEqual(await csms.send({ cmd: 'respond', action: 'DataTransfer', times: 0 }), { reply: csms.nextId - 1, ok: true, cleared: 1 });
        assert.equal((await cp.call('DataTransfer', { vendorId: 'v' })).status, 'UnknownVendorId');

        // an action with no default answer can be answered too
        await csms.send({ cmd: 'respond', action: 'FirmwareStatusNotification', result: {} });
        assert.deepEqual(await cp.call('FirmwareStatusNotification', { status: 'Idle' }), {});
        await assert.rejects(cp.call('FirmwareStatusNotification', { status: 'Idle' }), { rpcErrorCode: 'NotImplemented' });

        // our own answer failing the schema: logged, and ocpp-rpc sends InternalError instead
        const from = csms.mark();
        await csms.send({ cmd: 'respond', action: 'Authorize', result: { idTagInfo: { status: 'Maybe' } } });
        await assert.rejects(cp.call('Authorize', { idTag: 'ZepId00' }), { rpcErrorCode: 'InternalError' });
        const v = await csms.waitFor(l => l.event === 'validation-error' && l.dir === 'out', 'outbound validation-error', { from });
        assert.equal(v.action, 'Authorize');
        assert.equal(v.messageType, 'result');

        const bad = await csms.send({ cmd: 'respond', action: 'NoSuchAction', result: {} });
        assert.equal(bad.ok, false);
    });

    test('control: sendRaw, clients, disconnect', { timeout: TEST_MS }, async () => {
        const cp = await connect('CPRAW');
        const from = csms.mark();
        const r = await csms.send({ cmd: 'sendRaw', cp: 'CPRAW', text: '[2,"raw-1","Foo",{}]' });
        assert.equal(r.ok, true);
        const out = await csms.waitFor(l => l.dir === 'out' && l.type === 'call' && l.id === 'raw-1', 'raw out', { from });
        assert.equal(out.action, 'Foo');
        const ans = await csms.waitFor(l => l.dir === 'in' && l.type === 'error' && l.id === 'raw-1', 'raw answer', { from });
        assert.equal(ans.error.code, 'NotImplemented');
        assert.equal(ans.action, 'Foo');

        const list = await csms.send({ cmd: 'clients' });
        assert.ok(list.clients.includes('CPRAW'));

        const closed = new Promise(resolve => cp.once('close', resolve));
        const d = await csms.send({ cmd: 'disconnect', cp: 'CPRAW', code: 4001, reason: 'bye' });
        assert.equal(d.ok, true);
        assert.equal((await withTimeout(closed, STEP_MS, 'client close')).code, 4001);
        const gone = await csms.waitFor(l => l.event === 'disconnected' && l.cp === 'CPRAW', 'disconnected', { from });
        assert.equal(gone.code, 4001);
        assert.ok(!(await csms.send({ cmd: 'clients' })).clients.includes('CPRAW'));
        // no framing complaint about the answer to the raw CALL
        assert.ok(!csms.lines.slice(from).some(l => l.event === 'validation-error'));

        const unknown = await csms.send({ cmd: 'frobnicate' });
        assert.equal(unknown.ok, false);
    });

    test('SNTP answers with the fixed time', { timeout: TEST_MS }, async () => {
        const sock = dgram.createSocket('udp4');
        try {
            const req = Buffer.alloc(48);
            req[0] = (0 << 6) | (4 << 3) | 3; // LI 0, VN 4, mode 3 (client)
            req.writeUInt32BE(0xdeadbeef, 40);
            req.writeUInt32BE(0x01234567, 44);
            const reply = await withTimeout(new Promise((resolve, reject) => {
                sock.once('message', resolve);
                sock.once('error', reject);
                sock.send(req, csms.listening.sntpPort, '127.0.0.1');
            }), STEP_MS, 'SNTP reply');
            assert.equal(reply.length, 48);
            assert.equal(reply[0] & 7, 4);          // mode 4 (server)
            assert.equal((reply[0] >> 3) & 7, 4);   // version copied
            assert.equal(reply[0] >> 6, 0);         // no leap warning
            assert.equal(reply[1], 1);              // stratum 1
            assert.equal(reply.readUInt32BE(24), 0xdeadbeef); // originate = our transmit
            assert.equal(reply.readUInt32BE(28), 0x01234567);
            for (const off of [32, 40]) {           // receive, transmit
                assert.equal(reply.readUInt32BE(off), 1700000000 + 2208988800);
                assert.equal(reply.readUInt32BE(off + 4), 0x40000000); // .25 s
            }
            const line = await csms.waitFor(l => l.event === 'sntp', 'sntp line');
            assert.equal(line.time, '2023-11-14T22:13:20.250Z');

            // something that is not a client request gets no answer, and no crash
            sock.send(Buffer.from('hello'), csms.listening.sntpPort, '127.0.0.1');
            await csms.waitFor(l => l.event === 'sntp-ignored', 'sntp-ignored line');
        } finally {
            sock.close();
        }
    });

    test('quit, SIGTERM and stdin end all stop it cleanly', { timeout: TEST_MS }, async () => {
        const a = await Csms.start();
        const cpA = chargePoint(a, 'CPQUIT');
        clients.push(cpA);
        await withTimeout(cpA.connect(), STEP_MS, 'connect');
        const closedA = new Promise(resolve => cpA.once('close', resolve));
        assert.equal((await a.send({ cmd: 'quit' })).ok, true);
        assert.deepEqual(await withTimeout(a.exited, STEP_MS, 'exit after quit'), { code: 0, signal: null });
        assert.equal((await withTimeout(closedA, STEP_MS, 'client closed')).code, 1001);
        assert.ok(a.lines.some(l => l.event === 'stopped'));

        const b = await Csms.start();
        b.proc.kill('SIGTERM');
        assert.deepEqual(await withTimeout(b.exited, STEP_MS, 'exit after SIGTERM'), { code: 0, signal: null });

        const c = await Csms.start();
        c.proc.stdin.end();
        assert.deepEqual(await withTimeout(c.exited, STEP_MS, 'exit after stdin end'), { code: 0, signal: null });
        // its port is free again
        await new Promise((resolve, reject) => {
            const srv = net.createServer().once('error', reject).listen(c.listening.port, '127.0.0.1', () => srv.close(resolve));
        });
    });
});
