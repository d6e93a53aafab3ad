'use strict';
// Tests of the hostile side of tools/csms (sendFrame, respondRaw, handshake modes): `node --test
// test`. The peers here are `ws` (RFC 6455 done right: its verdict on each broken frame shows the
// frame is broken the way the command says), raw TCP sockets (to see a hostile handshake byte for
// byte) and ocpp-rpc's RPCClient.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const net = require('node:net');
const { RPCClient } = require('ocpp-rpc');
const WebSocket = require(require.resolve('ws', { paths: [require.resolve('ocpp-rpc')] }));
const { Csms, withTimeout, WS_PATH, STEP_MS } = require('../test-support/csms-process');
const { buildFrame, frameBytes, parseOptions } = require('../csms.js');

const TEST_MS = 20000;
const BOOT = { chargePointVendor: 'SharpCharge', chargePointModel: 'mps2-an500' };

// A ws client on the ocpp1.6 subprotocol; resolves once open. `closed` resolves with {code, reason}.
function wsClient(csms, cp) {
    const ws = new WebSocket(`${csms.url}/${cp}`, ['ocpp1.6'], { perMessageDeflate: false }); // offers no extension
    ws.on('error', () => {}); // a broken frame makes ws emit an error before it closes
    ws.messages = [];
    ws.on('message', (data, isBinary) => ws.messages.push(isBinary ? data : data.toString()));
    ws.closed = new Promise(resolve => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    return withTimeout(new Promise((resolve, reject) => {
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.once('close', () => reject(new Error('closed before open')));
    }), STEP_MS, `ws connect ${cp}`);
}

// A raw upgrade request over TCP; resolves with everything the server sent and how it ended.
function rawUpgrade(csms, cp, { holdMs = 300, key = crypto.randomBytes(16).toString('base64') } = {}) {
    return withTimeout(new Promise(resolve => {
        const s = net.connect(csms.listening.port, '127.0.0.1', () => {
            s.write(`GET ${WS_PATH}/${cp} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n`);
        });
        const chunks = [];
        let ended = null;
        let timer = null;
        s.on('data', d => {
            chunks.push(d);
            // Once a whole header block is in, give the server holdMs to end the stream, then we do.
            if (!timer && Buffer.concat(chunks).includes('\r\n\r\n')) timer = setTimeout(() => s.destroy(), holdMs);
        });
        s.on('end', () => { ended = 'end'; });
        s.on('error', err => { ended = err.code || 'error'; });
        s.on('close', () => {
            clearTimeout(timer);
            resolve({ text: Buffer.concat(chunks).toString('latin1'), ended, key });
        });
        s.on('timeout', () => s.destroy());
        s.setTimeout(holdMs + 2000);
    }), STEP_MS, `raw upgrade ${cp}`);
}

function acceptFor(key) {
    return crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
}

describe('frame builder', () => {
    test('builds the frames the negative tests need', () => {
        assert.equal(buildFrame({ text: '[]' }).toString('hex'), '81025b5d');
        assert.equal(buildFrame({ opcode: 3 }).toString('hex'), '8300');
        assert.equal(buildFrame({ rsv: 4, text: '[]' }).toString('hex'), 'c1025b5d');
        assert.equal(buildFrame({ opcode: 9, fin: false }).toString('hex'), '0900');
        assert.equal(buildFrame({ opcode: 0, text: '[]' }).toString('hex'), '80025b5d');
        assert.equal(buildFrame({ payloadHex: 'c328' }).toString('hex'), '8102c328');
        assert.equal(buildFrame({ mask: '01020304', text: 'ab' }).toString('hex'), '8182010203046060');
        assert.equal(buildFrame({ length: '9223372036854775809' }).toString('hex'), '817f8000000000000001');
        assert.equal(buildFrame({ length: 5000 }).toString('hex'), '817e1388'); // declared, no payload
        const big = buildFrame({ size: 70000 });
        assert.equal(big.subarray(0, 10).toString('hex'), '817f0000000000011170');
        assert.equal(big.length, 10 + 70000);
        assert.equal(frameBytes({ hex: '83 00' }).toString('hex'), '8300');
        assert.equal(frameBytes({ frames: [{ fin: false, text: '[' }, { opcode: 0, text: ']' }] }).toString('hex'), '01015b80015d');
        assert.throws(() => frameBytes({ hex: '8' }), /hex/);
        assert.throws(() => frameBytes({}), /exactly one/);
        assert.throws(() => buildFrame({ opcode: 16 }), /opcode/);
        assert.throws(() => buildFrame({ mask: 'xyz' }), /mask/);
        assert.throws(() => buildFrame({ length: -1 }), /length/);
    });

    test('--handshake takes a known mode only', () => {
        assert.equal(parseOptions([]).handshake, 'normal');
        assert.equal(parseOptions(['--handshake', 'bad-accept']).handshake, 'bad-accept');
        assert.equal(parseOptions(['--handshake', 'status-500']).handshake, 'status-500');
        assert.throws(() => parseOptions(['--handshake', 'sideways']), /--handshake/);
        assert.throws(() => parseOptions(['--handshake', 'status-101']), /--handshake/);
    });
});

describe('csms hostile commands', { timeout: 120000 }, () => {
    let csms;
    const sockets = [];

    before(async () => {
        csms = await Csms.start(['--no-sntp', '--ping', '0']);
    });

    after(async () => {
        for (const s of sockets) s.terminate();
        if (csms) await csms.stop();
    });

    // Each broken frame, with the close code a correct client (ws) answers it with.
    const broken = [
        ['reserved opcode', { hex: '8300' }, 1002],
        ['RSV1 set', { frame: { rsv: 4, text: '[]' } }, 1002],
        ['masked server frame', { frame: { mask: true, text: '[]' } }, 1002],
        ['64-bit length with the top bit set', { frame: { length: '9223372036854775809' } }, 1009],
        ['fragmented control frame', { frame: { opcode: 9, fin: false } }, 1002],
        ['continuation without a start', { frame: { opcode: 0, text: '[]' } }, 1002],
        ['invalid UTF-8 text', { frame: { payloadHex: '5b22c328225d' } }, 1007],
        ['a control frame over 125 bytes', { frame: { opcode: 9, size: 126 } }, 1002],
        ['a new message inside a fragmented one', { frames: [{ fin: false, text: '[' }, { text: ']' }] }, 1002],
    ];
    for (const [name, cmd, code] of broken) {
        test(`sendFrame: ${name} is written as it is (ws closes with ${code})`, { timeout: TEST_MS }, async () => {
            const cp = `CPF${broken.findIndex(b => b[0] === name)}`;
            const ws = await wsClient(csms, cp);
            sockets.push(ws);
            await csms.waitFor(l => l.event === 'connected' && l.cp === cp, 'connected');
            const from = csms.mark();
            const r = await csms.send({ cmd: 'sendFrame', cp, ...cmd });
            assert.equal(r.ok, true, JSON.stringify(r));
            assert.ok(r.bytes > 0);
            const sent = await csms.waitFor(l => l.event === 'frame-sent' && l.cp === cp, 'frame-sent', { from });
            assert.equal(sent.bytes, r.bytes);
            // ws sends its close frame and stops reading (so it never sees our echo: 1006 on its side);
            // the close code it sent is the one the central system logs. ws takes a 64-bit length with
            // the top bit set as too big (1009); RFC 6455 5.2 says the bit must be 0, so a client may as
            // well call it a protocol error (1002).
            await withTimeout(ws.closed, STEP_MS, 'ws close');
            const gone = await csms.waitFor(l => l.event === 'disconnected' && l.cp === cp, 'disconnected', { from });
            assert.equal(gone.code, code);
        });
    }

    test('sendFrame: a fragmented message with a ping between is a whole message', { timeout: TEST_MS }, async () => {
        const ws = await wsClient(csms, 'CPFRAG');
        sockets.push(ws);
        await csms.waitFor(l => l.event === 'connected' && l.cp === 'CPFRAG', 'connected');
        const r = await csms.send({
            cmd: 'sendFrame', cp: 'CPFRAG',
            frames: [{ fin: false, text: '[2,"f1",' }, { opcode: 9, text: 'hi' }, { opcode: 0, text: '"Reset",{"type":"Soft"}]' }],
        });
        assert.equal(r.ok, true);
        await withTimeout((async () => { while (ws.messages.length === 0) await new Promise(r => setTimeout(r, 20)); })(), STEP_MS, 'message');
        assert.equal(ws.messages[0], '[2,"f1","Reset",{"type":"Soft"}]');
        ws.close(1000);
        await ws.closed;
    });

    test('sendFrame: an oversized message closes a client with a small maxPayload with 1009', { timeout: TEST_MS }, async () => {
        const ws = new WebSocket(`${csms.url}/CPBIG`, ['ocpp1.6'], { maxPayload: 4096 });
        ws.on('error', () => {});
        sockets.push(ws);
        const closed = new Promise(resolve => ws.once('close', code => resolve(code)));
        await withTimeout(new Promise(resolve => ws.once('open', resolve)), STEP_MS, 'open');
        await csms.waitFor(l => l.event === 'connected' && l.cp === 'CPBIG', 'connected');
        const from = csms.mark();
        assert.equal((await csms.send({ cmd: 'sendFrame', cp: 'CPBIG', frame: { size: 5000 } })).bytes, 5004);
        await withTimeout(closed, STEP_MS, 'close');
        assert.equal((await csms.waitFor(l => l.event === 'disconnected' && l.cp === 'CPBIG', 'disconnected', { from })).code, 1009);
    });

    test('sendFrame: bad commands and no connection are refused', { timeout: TEST_MS }, async () => {
        assert.equal((await csms.send({ cmd: 'sendFrame', cp: 'NOSUCH', hex: '8300' })).error.code, 'NotConnected');
        const ws = await wsClient(csms, 'CPBADCMD');
        sockets.push(ws);
        await csms.waitFor(l => l.event === 'connected' && l.cp === 'CPBADCMD', 'connected');
        for (const bad of [{ hex: 'zz' }, { frame: { opcode: 99 } }, { frames: [] }, {}, { hex: '83', frame: {} }]) {
            const r = await csms.send({ cmd: 'sendFrame', cp: 'CPBADCMD', ...bad });
            assert.equal(r.ok, false, JSON.stringify(bad));
            assert.equal(r.error.code, 'BadCommand');
        }
        ws.close(1000);
        await ws.closed;
    });

    test('respondRaw: the next CALL gets the raw text, {{id}} filled in, once', { timeout: TEST_MS }, async () => {
        const ws = await wsClient(csms, 'CPRAWANS');
        sockets.push(ws);
        await csms.waitFor(l => l.event === 'connected' && l.cp === 'CPRAWANS', 'connected');
        const texts = ['{{{ not json', '[3,"{{id}}",{"status":5,"currentTime":[],"interval":"x"}]', '[4,"{{id}}","Nonsense",7,[]]', '[3,"{{id}}"]'];
        for (const text of texts) {
            assert.equal((await csms.send({ cmd: 'respondRaw', action: 'BootNotification', text })).ok, true);
        }
        const from = csms.mark();
        for (let i = 0; i < texts.length + 1; i++) {
            const id = `b"${i}`; // an id that needs escaping in JSON
            ws.send(JSON.stringify([2, id, 'BootNotification', BOOT]));
            await withTimeout((async () => { while (ws.messages.length <= i) await new Promise(r => setTimeout(r, 10)); })(), STEP_MS, `answer ${i}`);
            if (i < texts.length) {
                assert.equal(ws.messages[i], texts[i].split('{{id}}').join('b\\"' + i));
                const ev = await csms.waitFor(l => l.event === 'respond-raw' && l.id === id, 'respond-raw', { from });
                assert.equal(ev.action, 'BootNotification');
            } else {
                const conf = JSON.parse(ws.messages[i]);
                assert.equal(conf[0], 3);
                assert.equal(conf[2].status, 'Accepted'); // the overrides are used up: the default again
            }
        }
        // the well-formed raw answer is logged as a result, the garbage as raw
        assert.ok(csms.lines.slice(from).some(l => l.dir === 'out' && l.type === 'raw' && l.text === '{{{ not json'));
        assert.ok(csms.lines.slice(from).some(l => l.dir === 'out' && l.type === 'result' && l.id === 'b"1' && l.action === 'BootNotification'));
        // no schema complaint about our own raw answers: they bypass validation
        assert.ok(!csms.lines.slice(from).some(l => l.event === 'validation-error'));
        ws.close(1000);
        await ws.closed;
    });

    test('respondRaw: with times, cp and delayMs; respond accepts raw too', { timeout: TEST_MS }, async () => {
        const cp = new RPCClient({ endpoint: csms.url, identity: 'CPRAW2', protocols: ['ocpp1.6'], strictMode: false, reconnect: false, callTimeoutMs: STEP_MS });
        await withTimeout(cp.connect(), STEP_MS, 'connect');
        assert.equal((await csms.send({ cmd: 'respondRaw', action: 'Heartbeat', cp: 'OTHER', text: '[3,"{{id}}",{"x":1}]' })).ok, true);
        assert.equal((await csms.send({ cmd: 'respond', action: 'Heartbeat', cp: 'CPRAW2', times: 2, delayMs: 200, raw: '[3,"{{id}}",{"currentTime":"x"}]' })).ok, true);
        const t0 = Date.now();
        assert.deepEqual(await cp.call('Heartbeat', {}), { currentTime: 'x' });
        assert.ok(Date.now() - t0 >= 180);
        assert.deepEqual(await cp.call('Heartbeat', {}), { currentTime: 'x' });
        assert.notEqual((await cp.call('Heartbeat', {})).currentTime, 'x');
        assert.equal((await csms.send({ cmd: 'respond', action: 'Heartbeat', times: 0 })).cleared, 1); // OTHER's
        assert.equal((await csms.send({ cmd: 'respondRaw', action: 'Heartbeat' })).ok, false);
        assert.equal((await csms.send({ cmd: 'respond', action: 'Heartbeat', raw: 5 })).ok, false);
        assert.equal((await csms.send({ cmd: 'respond', action: 'Heartbeat', raw: 'x', result: {} })).ok, false);
        await cp.close();
    });

    // ---- handshakes

    const status101 = text => text.startsWith('HTTP/1.1 101 ');
    const header = (text, name) => {
        const m = new RegExp(`^${name}: (.*)$`, 'gmi');
        return [...text.split('\r\n\r\n')[0].matchAll(m)].map(x => x[1]);
    };

    test('handshake: each mode answers the upgrade the wrong way it names, once', { timeout: TEST_MS }, async () => {
        const cases = {
            'bad-accept': r => {
                assert.ok(status101(r.text));
                assert.equal(header(r.text, 'Sec-WebSocket-Protocol')[0], 'ocpp1.6');
                assert.notEqual(header(r.text, 'Sec-WebSocket-Accept')[0], acceptFor(r.key));
                assert.equal(header(r.text, 'Sec-WebSocket-Accept')[0].length, 28);
            },
            'no-accept': r => { assert.ok(status101(r.text)); assert.equal(header(r.text, 'Sec-WebSocket-Accept').length, 0); },
            'no-protocol': r => {
                assert.ok(status101(r.text));
                assert.equal(header(r.text, 'Sec-WebSocket-Accept')[0], acceptFor(r.key));
                assert.equal(header(r.text, 'Sec-WebSocket-Protocol').length, 0);
            },
            'other-protocol': r => { assert.equal(header(r.text, 'Sec-WebSocket-Accept')[0], acceptFor(r.key)); assert.deepEqual(header(r.text, 'Sec-WebSocket-Protocol'), ['ocpp2.0.1']); },
            'two-protocols': r => assert.deepEqual(header(r.text, 'Sec-WebSocket-Protocol'), ['ocpp1.6', 'ocpp2.0.1']),
            'no-upgrade': r => { assert.ok(status101(r.text)); assert.equal(header(r.text, 'Upgrade').length, 0); },
            'no-connection': r => { assert.ok(status101(r.text)); assert.equal(header(r.text, 'Connection').length, 0); },
            'extension': r => assert.deepEqual(header(r.text, 'Sec-WebSocket-Extensions'), ['permessage-deflate']),
            'status-500': r => { assert.match(r.text, /^HTTP\/1\.1 500 Internal Server Error\r\n/); assert.equal(r.ended, 'end'); },
            'status-503': r => assert.match(r.text, /^HTTP\/1\.1 503 /),
            'truncated': r => {
                assert.ok(r.text.startsWith('HTTP/1.1 101 Switching Protocols\r\n'));
                assert.ok(!r.text.includes('\r\n\r\n'));
                assert.equal(r.ended, 'end');
            },
            'long-header': r => {
                assert.ok(status101(r.text));
                assert.equal(header(r.text, 'Sec-WebSocket-Accept')[0], acceptFor(r.key));
                assert.ok(r.text.length > 8000);
            },
            'not-http': r => { assert.match(r.text, /^SSH-2\.0-/); assert.equal(r.ended, 'end'); },
            'silent': r => assert.equal(r.text, ''),
            'reset': r => { assert.equal(r.text, ''); assert.equal(r.ended, 'ECONNRESET'); },
        };
        for (const [mode, check] of Object.entries(cases)) {
            const cp = `CPHS-${mode}`;
            assert.equal((await csms.send({ cmd: 'handshake', mode, cp })).ok, true);
            const from = csms.mark();
            const r = await rawUpgrade(csms, cp, { holdMs: mode === 'silent' ? 500 : 300 });
            check(r);
            const ev = await csms.waitFor(l => l.event === 'handshake' && l.cp === cp, `handshake ${mode}`, { from });
            assert.equal(ev.mode, mode);
            const over = await csms.waitFor(l => l.event === 'handshake-closed' && l.cp === cp, `handshake-closed ${mode}`, { from });
            assert.equal(over.received, 0);
            // used up: the next upgrade is a normal one
            const next = await rawUpgrade(csms, cp);
            assert.ok(status101(next.text), `${mode}: next handshake normal: ${next.text.slice(0, 80)}`);
            assert.equal(header(next.text, 'Sec-WebSocket-Accept')[0], acceptFor(next.key));
        }
        assert.equal((await csms.send({ cmd: 'handshake', mode: 'sideways' })).ok, false);
        assert.equal((await csms.send({ cmd: 'handshake', mode: 'status-101' })).ok, false);
    });

    test('handshake: ws refuses each bad 101 as a correct client must', { timeout: TEST_MS }, async () => {
        for (const mode of ['bad-accept', 'no-accept', 'no-protocol', 'other-protocol', 'no-upgrade', 'extension', 'truncated', 'status-500']) {
            const cp = `CPWS-${mode}`;
            await csms.send({ cmd: 'handshake', mode, cp });
            await assert.rejects(wsClient(csms, cp), `${mode} refused`);
        }
    });

    test('handshake: times -1 until cleared, per cp; a client that closes ends it', { timeout: TEST_MS }, async () => {
        await csms.send({ cmd: 'handshake', mode: 'status-500', cp: 'CPALL', times: -1 });
        for (let i = 0; i < 3; i++) assert.match((await rawUpgrade(csms, 'CPALL')).text, /^HTTP\/1\.1 500 /);
        assert.ok(status101((await rawUpgrade(csms, 'CPOTHER')).text)); // another cp is not affected
        assert.equal((await csms.send({ cmd: 'handshake', mode: 'normal', cp: 'CPALL', times: 0 })).cleared, 1);
        assert.ok(status101((await rawUpgrade(csms, 'CPALL')).text));

        // a client that sees the bad answer and hangs up: the socket goes at once ("by": "peer")
        await csms.send({ cmd: 'handshake', mode: 'bad-accept', cp: 'CPHANG' });
        const from = csms.mark();
        await rawUpgrade(csms, 'CPHANG', { holdMs: 0 });
        const over = await csms.waitFor(l => l.event === 'handshake-closed' && l.cp === 'CPHANG', 'closed', { from });
        assert.equal(over.by, 'peer');
        assert.ok(over.afterMs < 2000);
    });

    test('--handshake MODE answers every upgrade so', { timeout: TEST_MS }, async () => {
        const hostile = await Csms.start(['--no-sntp', '--handshake', 'no-protocol']);
        try {
            for (const cp of ['A', 'B']) {
                const r = await rawUpgrade(hostile, cp);
                assert.ok(status101(r.text));
                assert.equal(header(r.text, 'Sec-WebSocket-Protocol').length, 0);
            }
            await hostile.send({ cmd: 'handshake', mode: 'normal', times: 1 });
            assert.deepEqual(header((await rawUpgrade(hostile, 'C')).text, 'Sec-WebSocket-Protocol'), ['ocpp1.6']);
            assert.equal(header((await rawUpgrade(hostile, 'D')).text, 'Sec-WebSocket-Protocol').length, 0);
            // it stops cleanly with a hostile socket still open
            await hostile.send({ cmd: 'handshake', mode: 'silent', times: 1 });
            const s = net.connect(hostile.listening.port, '127.0.0.1', () => s.write(`GET ${WS_PATH}/E HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`));
            s.on('error', () => {});
            await hostile.waitFor(l => l.event === 'handshake' && l.cp === 'E', 'silent handshake');
            assert.equal((await hostile.send({ cmd: 'quit' })).ok, true);
            assert.deepEqual(await withTimeout(hostile.exited, STEP_MS, 'exit'), { code: 0, signal: null });
            assert.ok(hostile.lines.some(l => l.event === 'handshake-closed' && l.cp === 'E' && l.by === 'us'));
            s.destroy();
        } finally {
            await hostile.stop();
        }
    });
});
