#!/usr/bin/env node
'use strict';
// SharpCharge local OCPP 1.6J central system (for demos and tests), built on ocpp-rpc.
// Usage and the stdin control protocol: see README.md beside this file, or `node csms.js --help`.

const http = require('node:http');
const dgram = require('node:dgram');
const readline = require('node:readline');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const { performance } = require('node:perf_hooks');
const { RPCServer, RPCError, TimeoutError, createRPCError, NOREPLY } = require('ocpp-rpc');
const OCPP16_SCHEMAS = require('ocpp-rpc/lib/schemas/ocpp1_6.json');

const PROTOCOL = 'ocpp1.6';
const WS_PATH = '/steve/websocket/CentralSystemService/';
const T0 = performance.now();
// Every action that has a request schema in ocpp-rpc's OCPP 1.6 schema set.
const KNOWN_ACTIONS = new Set(OCPP16_SCHEMAS
    .map(s => /^urn:(.+)\.req$/.exec(s.$id)).filter(Boolean).map(m => m[1]));
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 1.3
// Wrong answers to the WebSocket upgrade, for negative tests of a client (see README.md, "Hostile
// handshakes"); `normal` is ocpp-rpc's own, right answer. `status-NNN` (any 3-digit status) too.
const HANDSHAKE_MODES = [
    'normal', 'bad-accept', 'no-accept', 'no-protocol', 'other-protocol', 'two-protocols', 'no-upgrade',
    'no-connection', 'extension', 'truncated', 'long-header', 'not-http', 'silent', 'reset',
];
const HOSTILE_HOLD_MS = 30000; // a hostile handshake's socket is dropped after this at the latest

const USAGE = `Usage: node csms.js [options]
  --port N             WebSocket port (default 8180; 0 = pick a free one)
  --host ADDR          address to bind (default 127.0.0.1)
  --password X         require HTTP basic auth (user = charge point id, password X)
  --heartbeat N        interval in BootNotification.conf, seconds (default 60)
  --accept A,B         idTags accepted by Authorize/StartTransaction (default ZepId00,ZepId01)
  --ping N             WebSocket ping interval, seconds (default 30; 0 = off)
  --sntp-port N        SNTP UDP port (default 1123; 0 = pick a free one)
  --no-sntp            no SNTP server
  --sntp-time SECONDS  SNTP always tells this Unix time (for tests)
  --json               one JSON object per output line (for tests)
  --exit-on-stdin-end  stop when stdin ends
  --handshake MODE     answer every WebSocket upgrade with this (wrong) handshake, for negative
                       tests: ${HANDSHAKE_MODES.join(', ')}, status-NNN (default normal)
  --help               this text
Path: ws://HOST:PORT${WS_PATH}{chargePointId}, subprotocol ${PROTOCOL} (required).
Commands on stdin, one JSON object a line: see README.md.`;

// ---------------------------------------------------------------- options

function parseOptions(argv) {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
            port: { type: 'string', default: '8180' },
            host: { type: 'string', default: '127.0.0.1' },
            password: { type: 'string' },
            heartbeat: { type: 'string', default: '60' },
            accept: { type: 'string', default: 'ZepId00,ZepId01' },
            ping: { type: 'string', default: '30' },
            'sntp-port': { type: 'string', default: '1123' },
            'no-sntp': { type: 'boolean', default: false },
            'sntp-time': { type: 'string' },
            json: { type: 'boolean', default: false },
            'exit-on-stdin-end': { type: 'boolean', default: false },
            handshake: { type: 'string', default: 'normal' },
            help: { type: 'boolean', default: false },
        },
    });
    const int = (name, min, max) => {
        const s = values[name];
        if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) {
            throw new Error(`--${name} wants an integer from ${min} to ${max}, not '${s}'`);
        }
        return Number(s);
    };
    let sntpTime = null;
    if (values['sntp-time'] !== undefined) {
        sntpTime = Number(values['sntp-time']);
        if (values['sntp-time'].trim() === '' || !Number.isFinite(sntpTime) || sntpTime < 0) {
            throw new Error(`--sntp-time wants Unix seconds, not '${values['sntp-time']}'`);
        }
    }
    if (!isHandshakeMode(values.handshake)) {
        throw new Error(`--handshake wants one of ${HANDSHAKE_MODES.join(', ')}, status-NNN, not '${values.handshake}'`);
    }
    return {
        help: values.help,
        port: int('port', 0, 65535),
        host: values.host,
        password: values.password ?? null,
        heartbeat: int('heartbeat', 0, 2147483647),
        accept: values.accept.split(',').map(s => s.trim()).filter(Boolean),
        pingMs: int('ping', 0, 2147483) * 1000,
        sntp: !values['no-sntp'],
        sntpPort: int('sntp-port', 0, 65535),
        sntpTime,
        json: values.json,
        exitOnStdinEnd: values['exit-on-stdin-end'],
        handshake: values.handshake,
    };
}

function isHandshakeMode(mode) {
    return typeof mode === 'string' && (HANDSHAKE_MODES.includes(mode) || /^status-[2-5]\d\d$/.test(mode));
}

// ---------------------------------------------------------------- output

class Log {
    constructor(json) {
        this.json = json;
        this.broken = false;
        this.onBroken = null;
        process.stdout.on('error', err => {
            // The reader went away (EPIPE): stop writing, and let the owner decide.
            this.broken = true;
            if (this.onBroken) this.onBroken(err);
        });
    }

    static clock() {
        const d = new Date();
        const p = (n, w = 2) => String(n).padStart(w, '0');
        return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
    }

    write(line) {
        if (this.broken) return;
        try {
            process.stdout.write(line + '\n');
        } catch (err) {
            this.broken = true;
        }
    }

    // obj: the --json line (without "t"); text: the readable line (without the clock).
    emit(obj, text) {
        if (this.json) {
            this.write(safeStringify({ t: Math.round(performance.now() - T0), ...obj }));
        } else {
            this.write(`${Log.clock()} ${text}`);
        }
    }

    event(name, fields, text) {
        this.emit({ event: name, ...fields }, text);
    }

    reply(obj) {
        const line = safeStringify(obj);
        this.write(this.json ? line : `${Log.clock()} CONTROL ${line}`);
    }
}

function safeStringify(v) {
    try {
        const s = JSON.stringify(v);
        return s === undefined ? 'null' : s;
    } catch (err) {
        return JSON.stringify(String(v));
    }
}

function short(text, max = 2000) {
    text = String(text);
    return text.length > max ? text.slice(0, max) + `...(${text.length} chars)` : text;
}

// ---------------------------------------------------------------- SNTP (RFC 4330)

const NTP_UNIX_OFFSET = 2208988800; // seconds from 1900-01-01 to 1970-01-01

function writeNtpTime(buf, offset, unixSeconds) {
    const whole = Math.floor(unixSeconds);
    let frac = Math.floor((unixSeconds - whole) * 4294967296);
    if (frac > 0xffffffff) frac = 0xffffffff;
    buf.writeUInt32BE((whole + NTP_UNIX_OFFSET) % 4294967296, offset); // era wraps in 2036
    buf.writeUInt32BE(frac, offset + 4);
}

function sntpReply(request, unixSeconds) {
    if (request.length < 48) return null;
    const mode = request[0] & 7;
    if (mode !== 3) return null;
    const version = (request[0] >> 3) & 7 || 4;
    const reply = Buffer.alloc(48);
    reply[0] = (0 << 6) | (version << 3) | 4; // LI 0, VN copied from the request, mode 4 (server)
    reply[1] = 1;                              // stratum 1 (primary reference)
    reply[2] = request[2];                     // poll, copied
    reply.writeInt8(-20, 3);                   // precision, about a microsecond
    reply.writeUInt32BE(0, 4);                 // root delay
    reply.writeUInt32BE(0, 8);                 // root dispersion
    reply.write('LOCL', 12, 'ascii');          // reference identifier
    writeNtpTime(reply, 16, unixSeconds);      // reference timestamp
    request.copy(reply, 24, 40, 48);           // originate = the request's transmit timestamp
    writeNtpTime(reply, 32, unixSeconds);      // receive
    writeNtpTime(reply, 40, unixSeconds);      // transmit
    return reply;
}

// ---------------------------------------------------------------- the central system

class Csms {
    constructor(opts) {
        this.opts = opts;
        this.log = new Log(opts.json);
        this.clients = new Map();      // chargePointId -> newest RPCServerClient
        this.allClients = new Set();   // every open client (an id can be connected twice)
        this.state = new WeakMap();    // client -> per-connection bookkeeping
        this.overrides = [];           // from `respond` commands, in arrival order
        this.extraActions = new Set(); // actions handled only because of a `respond`
        this.nextTransactionId = 1;
        this.stopping = null;
        this.pendingRemote = new WeakMap(); // upgrade request -> {remote, cp}
        this.loggedRejects = new WeakSet(); // upgrade requests already logged as rejected
        this.acceptedRequests = new WeakSet();
        this.acceptSet = new Set(opts.accept.map(s => s.toLowerCase()));
        this.handshakeRules = [];      // from `handshake` commands, in arrival order
        this.hostileSockets = new Map(); // socket -> its finish(by), for hostile handshakes still open
    }

    async start() {
        const o = this.opts;
        this.rpc = new RPCServer({
            protocols: [PROTOCOL],
            strictMode: true,
            pingIntervalMs: o.pingMs,
            callTimeoutMs: 30000,
        });
        this.rpc.on('error', err => this.internalError('rpc server', err));
        this.rpc.on('upgradeAborted', ev => this.onUpgradeAborted(ev));
        this.rpc.auth((accept, reject, handshake) => this.onAuth(accept, reject, handshake));
        this.rpc.on('client', client => {
            try {
                this.onClient(client);
            } catch (err) {
                this.internalError('client setup', err);
            }
        });

        this.http = http.createServer((req, res) => {
            res.statusCode = 404;
            res.setHeader('Content-Type', 'text/plain');
            res.end(`OCPP 1.6J central system: connect a WebSocket (${PROTOCOL}) to ${WS_PATH}{chargePointId}\n`);
        });
        this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
        this.http.on('clientError', (err, socket) => {
            if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
            else socket.destroy();
        });
        await new Promise((resolve, reject) => {
            this.http.once('error', reject);
            this.http.listen(o.port, o.host, () => {
                this.http.off('error', reject);
                this.http.on('error', err => this.internalError('http server', err));
                resolve();
            });
        });
        this.port = this.http.address().port;

        this.sntpPort = null;
        if (o.sntp) {
            this.udp = dgram.createSocket('udp4');
            await new Promise((resolve, reject) => {
                this.udp.once('error', reject);
                this.udp.bind(o.sntpPort, o.host, () => {
                    this.udp.off('error', reject);
                    this.udp.on('error', err => this.internalError('sntp socket', err));
                    resolve();
                });
            });
            this.udp.on('message', (msg, rinfo) => this.onSntp(msg, rinfo));
            this.sntpPort = this.udp.address().port;
        }

        const url = `ws://${o.host}:${this.port}${WS_PATH}{chargePointId}`;
        this.log.event('listening', {
            port: this.port, sntpPort: this.sntpPort, host: o.host, path: WS_PATH, protocol: PROTOCOL,
            auth: o.password !== null,
        }, `listening on ${url} (${PROTOCOL}, strict schema validation${o.password !== null ? ', basic auth' : ''})` +
            (this.sntpPort !== null ? `; SNTP on udp ${o.host}:${this.sntpPort}` +
                (o.sntpTime !== null ? ` (fixed at ${isoOfUnix(o.sntpTime)})` : '') : '; no SNTP'));
    }

    internalError(where, err) {
        this.log.event('internal-error', { where, detail: String(err?.stack || err) },
            `INTERNAL ERROR (${where}): ${err?.stack || err}`);
    }

    // ------------------------------------------------------------ WebSocket upgrade

    onUpgrade(req, socket, head) {
        const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
        socket.on('error', () => {}); // a peer reset during the handshake is no reason to crash
        const refuse = (status, reason, cp = null) => {
            this.logRejected(cp, status, reason, remote, req.url);
            writeHttpError(socket, status, reason);
        };
        if (this.stopping) return refuse(503, 'Shutting down');
        let cp;
        try {
            const url = new URL(req.url || '/', 'http://localhost');
            if (!url.pathname.startsWith(WS_PATH)) return refuse(404, `Not found (use ${WS_PATH}{chargePointId})`);
            const rest = url.pathname.slice(WS_PATH.length);
            if (rest === '' || rest.includes('/')) return refuse(404, `Not found (use ${WS_PATH}{chargePointId})`);
            cp = decodeURIComponent(rest);
        } catch (err) {
            return refuse(400, 'Bad request path');
        }
        const mode = this.takeHandshakeMode(cp);
        if (mode !== 'normal') return this.hostileHandshake(req, socket, cp, mode, remote);
        this.pendingRemote.set(req, { remote, cp });
        Promise.resolve()
            .then(() => this.rpc.handleUpgrade(req, socket, head))
            .catch(err => {
                this.internalError('upgrade', err);
                socket.destroy();
            });
    }

    // The handshake mode for the next upgrade of `cp`: the oldest matching `handshake` rule, else
    // --handshake.
    takeHandshakeMode(cp) {
        const i = this.handshakeRules.findIndex(r => r.cp === null || r.cp === cp);
        if (i < 0) return this.opts.handshake;
        const rule = this.handshakeRules[i];
        if (rule.remaining > 0 && --rule.remaining === 0) this.handshakeRules.splice(i, 1);
        return rule.mode;
    }

    // Answers the upgrade wrongly, on purpose: see HANDSHAKE_MODES and README.md. The socket is
    // kept until the client closes it (or HOSTILE_HOLD_MS passes); what the client sent after the
    // answer is counted (a client that took a bad answer for a good one would send frames).
    hostileHandshake(req, socket, cp, mode, remote) {
        const started = performance.now();
        const key = String(req.headers['sec-websocket-key'] ?? '');
        const accept = crypto.createHash('sha1').update(key + WS_GUID).digest('base64');
        const wrong = crypto.createHash('sha1').update(key + 'not the GUID').digest('base64');
        const head = ['HTTP/1.1 101 Switching Protocols'];
        const upgrade = 'Upgrade: websocket', connection = 'Connection: Upgrade';
        const protocol = `Sec-WebSocket-Protocol: ${PROTOCOL}`;
        let text = null, end = false;
        let status = 101;
        switch (mode) {
        case 'bad-accept': head.push(upgrade, connection, `Sec-WebSocket-Accept: ${wrong}`, protocol); break;
        case 'no-accept': head.push(upgrade, connection, protocol); break;
        case 'no-protocol': head.push(upgrade, connection, `Sec-WebSocket-Accept: ${accept}`); break;
        case 'other-protocol': head.push(upgrade, connection, `Sec-WebSocket-Accept: ${accept}`, 'Sec-WebSocket-Protocol: ocpp2.0.1'); break;
        case 'two-protocols': head.push(upgrade, connection, `Sec-WebSocket-Accept: ${accept}`, protocol, 'Sec-WebSocket-Protocol: ocpp2.0.1'); break;
        case 'no-upgrade': head.push(connection, `Sec-WebSocket-Accept: ${accept}`, protocol); break;
        case 'no-connection': head.push(upgrade, `Sec-WebSocket-Accept: ${accept}`, protocol); break;
        case 'extension': head.push(upgrade, connection, `Sec-WebSocket-Accept: ${accept}`, protocol, 'Sec-WebSocket-Extensions: permessage-deflate'); break;
        case 'long-header':
            // A right answer, but with a 8000-byte header line in it.
            head.push(upgrade, connection, `Sec-WebSocket-Accept: ${accept}`, protocol, `X-Padding: ${'p'.repeat(8000)}`);
            break;
        case 'truncated': {
            const whole = [...head, upgrade, connection, `Sec-WebSocket-Accept: ${accept}`, protocol].join('\r\n') + '\r\n\r\n';
            text = whole.slice(0, 60); // cut inside the header block, then the end of the stream
            end = true;
            break;
        }
        case 'not-http': text = 'SSH-2.0-OpenSSH_9.6\r\n\r\n'; end = true; status = null; break;
        case 'silent': text = ''; status = null; break;
        case 'reset': text = ''; status = null; break;
        default: { // status-NNN
            status = Number(mode.slice(7));
            const body = `hostile handshake ${mode}\n`;
            text = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Error'}\r\nConnection: close\r\n` +
                `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
            end = true;
        }
        }
        if (text === null) text = head.join('\r\n') + '\r\n\r\n';
        let received = 0;
        let closed = false;
        const hold = setTimeout(() => finish('timeout'), HOSTILE_HOLD_MS);
        const finish = by => {
            if (closed) return;
            closed = true;
            clearTimeout(hold);
            this.hostileSockets.delete(socket);
            socket.destroy();
            this.log.event('handshake-closed', { cp, mode, by, received, afterMs: Math.round(performance.now() - started), remote },
                `${cp} hostile handshake ${mode} over (${by}), ${received} bytes from the client after it`);
        };
        this.hostileSockets.set(socket, finish);
        socket.on('data', d => { received += d.length; });
        socket.on('end', () => finish('peer'));
        socket.on('close', () => finish('peer'));
        socket.on('error', () => finish('peer'));
        this.log.event('handshake', { cp, mode, status, bytes: Buffer.byteLength(text), remote, path: req.url },
            `${cp} HOSTILE HANDSHAKE ${mode} (${Buffer.byteLength(text)} bytes) to ${remote}`);
        try {
            if (mode === 'reset') {
                socket.resetAndDestroy();
                finish('us');
                return;
            }
            if (text.length > 0) socket.write(text);
            if (end) socket.end();
        } catch (err) {
            finish('peer');
        }
    }

    onAuth(accept, reject, handshake) {
        const remote = this.pendingRemote.get(handshake.request)?.remote ?? handshake.remoteAddress;
        const refuse = (status, why) => {
            this.loggedRejects.add(handshake.request);
            this.logRejected(cp, status, why, remote, handshake.request.url, offered);
            reject(status, why);
        };
        const cp = handshake.identity;
        const offered = [...handshake.protocols];
        // ocpp-rpc turns strict validation off for a connection without a strict subprotocol,
        // so a client that did not offer ocpp1.6 is refused here, before the upgrade.
        if (!handshake.protocols.has(PROTOCOL)) {
            const why = `Subprotocol ${PROTOCOL} required (offered: ${offered.length ? offered.join(', ') : 'none'})`;
            return refuse(400, why);
        }
        if (this.opts.password !== null) {
            const want = Buffer.from(this.opts.password, 'utf8');
            const got = handshake.password;
            const ok = Buffer.isBuffer(got) && got.length === want.length && crypto.timingSafeEqual(got, want);
            if (!ok) {
                const why = handshake.headers.authorization
                    ? 'Unauthorized (wrong user or password)' : 'Unauthorized (no basic auth credentials)';
                return refuse(401, why);
            }
        }
        this.acceptedRequests.add(handshake.request);
        accept({ remote }, PROTOCOL);
    }

    onUpgradeAborted({ error, identity, request }) {
        // Rejections from onAuth are logged there; this catches the rest (e.g. a bad handshake).
        // ocpp-rpc also reports a socket error of an accepted connection here: its 'close' says enough.
        if (request && (this.loggedRejects.has(request) || this.acceptedRequests.has(request))) return;
        const remote = this.pendingRemote.get(request)?.remote ?? null;
        this.logRejected(identity ?? null, error?.code || 500, String(error?.message || error), remote, request?.url);
    }

    logRejected(cp, status, reason, remote, path, offered) {
        this.log.event('rejected', { cp, status, reason, remote, path: path ?? null, protocols: offered },
            `${cp ?? '-'} REJECTED ${status} ${reason} (${path ?? ''} from ${remote})`);
    }

    // ------------------------------------------------------------ a connected charge point

    onClient(client) {
        const cp = client.identity;
        const remote = client.session?.remote ?? client.handshake?.remoteAddress ?? null;
        const st = {
            cp,
            inCalls: new Map(),     // message id -> action, CALLs from the charge point not yet answered
            outCalls: new Map(),    // message id -> {action, raw}, our CALLs not yet answered
            rawAnswered: new Set(), // ids of answers to sendRaw CALLs (ocpp-rpc does not know them)
            rawErrors: new Map(),   // message id -> CALLERROR as received, for `call` replies
            rpcCallIds: new Set(),  // ids of CALLs that ocpp-rpc sent (the others came from sendRaw)
            handled: new Set(),
        };
        this.state.set(client, st);
        this.allClients.add(client);

        client.on('close', ({ code, reason }) => {
            this.allClients.delete(client);
            if (this.clients.get(cp) === client) this.clients.delete(cp);
            this.log.event('disconnected', { cp, code, reason: reason || '', remote },
                `${cp} disconnected ${code}${reason ? ` "${reason}"` : ''} (${remote})`);
        });
        client.on('message', ({ message, outbound }) => {
            try {
                this.logFrame(st, String(message), outbound);
            } catch (err) {
                this.internalError('log frame', err);
            }
        });
        client.on('call', ({ outbound, payload }) => {
            if (outbound && Array.isArray(payload)) st.rpcCallIds.add(payload[1]);
        });
        client.on('strictValidationFailure', ev => this.logValidation(st, ev));
        client.on('badMessage', ev => this.logBadMessage(st, ev));
        client.on('socketError', err => {
            this.log.event('socket-error', { cp, detail: String(err?.message || err) },
                `${cp} socket error: ${err?.message || err}`);
        });

        if (client.protocol !== PROTOCOL) {
            // Cannot happen after onAuth, but strict validation depends on it: never run without it.
            this.log.event('rejected', { cp, status: null, reason: `protocol '${client.protocol}' is not ${PROTOCOL}`, remote },
                `${cp} REJECTED protocol '${client.protocol}' is not ${PROTOCOL}`);
            client.close({ code: 1002, reason: `Subprotocol ${PROTOCOL} required`, force: false });
            return;
        }

        const previous = this.clients.get(cp);
        this.clients.set(cp, client);
        this.log.event('connected', { cp, protocol: client.protocol, remote, replaced: previous ? true : undefined },
            `${cp} connected (${client.protocol}) from ${remote}${previous ? ' (a second connection for this id: commands go to this one)' : ''}`);

        for (const action of [...Object.keys(this.defaults()), ...this.extraActions]) this.handle(client, action);
    }

    handle(client, action) {
        const st = this.state.get(client);
        if (!st || st.handled.has(action)) return;
        st.handled.add(action);
        client.handle(action, ({ params, signal, messageId }) => this.answer(client, st.cp, action, params, signal, messageId));
    }

    async answer(client, cp, action, params, signal, messageId) {
        const ov = this.takeOverride(action, cp);
        if (ov) {
            if (ov.delayMs > 0) await sleep(ov.delayMs, signal);
            if (ov.noReply) return NOREPLY;
            if (ov.raw !== undefined) {
                this.sendRawAnswer(client, action, messageId, ov.raw);
                return NOREPLY;
            }
            if (ov.error) {
                const e = new RPCError(ov.error.description ?? '');
                e.rpcErrorCode = String(ov.error.code ?? 'GenericError');
                e.details = ov.error.details ?? {};
                throw e;
            }
            return structuredClone(ov.result);
        }
        const fn = this.defaults()[action];
        if (!fn) throw createRPCError('NotImplemented', `Unable to handle '${action}' calls`, {});
        return fn(params ?? {});
    }

    // A `respondRaw` answer: the text as it is, with {{id}} replaced by the CALL's message id.
    sendRawAnswer(client, action, messageId, raw) {
        const st = this.state.get(client);
        const id = String(messageId);
        const text = raw.split('{{id}}').join(JSON.stringify(id).slice(1, -1));
        this.log.event('respond-raw', { cp: st.cp, id, action, text: short(text, 500) },
            `${st.cp} <- ${action} answered with raw text ${short(text, 500)}`);
        client.sendRaw(text);
        st.inCalls.delete(id); // answered, whatever the text was
    }

    defaults() {
        if (this._defaults) return this._defaults;
        const now = () => new Date().toISOString();
        const tagInfo = idTag => ({ status: this.acceptSet.has(String(idTag).toLowerCase()) ? 'Accepted' : 'Invalid' });
        this._defaults = {
            BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: this.opts.heartbeat }),
            Heartbeat: () => ({ currentTime: now() }),
            StatusNotification: () => ({}),
            Authorize: p => ({ idTagInfo: tagInfo(p.idTag) }),
            StartTransaction: p => ({ transactionId: this.nextTransactionId++, idTagInfo: tagInfo(p.idTag) }),
            MeterValues: () => ({}),
            StopTransaction: p => (p.idTag !== undefined ? { idTagInfo: { status: 'Accepted' } } : {}),
            DataTransfer: () => ({ status: 'UnknownVendorId' }),
        };
        return this._defaults;
    }

    takeOverride(action, cp) {
        const i = this.overrides.findIndex(o => o.action === action && (o.cp == null || o.cp === cp));
        if (i < 0) return null;
        const ov = this.overrides[i];
        if (ov.remaining > 0 && --ov.remaining === 0) this.overrides.splice(i, 1);
        return ov;
    }

    // ------------------------------------------------------------ logging frames

    logFrame(st, text, outbound) {
        const dir = outbound ? 'out' : 'in';
        const arrow = outbound ? '<-' : '->';
        let msg;
        try {
            msg = JSON.parse(text);
        } catch (err) {
            msg = undefined;
        }
        const wellFormed = Array.isArray(msg) && typeof msg[0] === 'number' && typeof msg[1] === 'string';
        if (!wellFormed || ![2, 3, 4].includes(msg[0]) || (msg[0] === 2 && typeof msg[2] !== 'string')) {
            this.log.emit({ cp: st.cp, dir, type: 'raw', text: short(text) }, `${st.cp} ${arrow} (raw) ${short(text)}`);
            return;
        }
        const [type, id] = msg;
        if (type === 2) {
            const [, , action, payload] = msg;
            if (outbound) st.outCalls.set(id, { action, raw: !st.rpcCallIds.delete(id) });
            else st.inCalls.set(id, action);
            this.log.emit({ cp: st.cp, dir, type: 'call', id, action, payload },
                `${st.cp} ${arrow} ${action}${payload === undefined ? '' : ' ' + short(safeStringify(payload))}`);
            return;
        }
        // A CALLRESULT or CALLERROR: find the CALL it answers (ours if inbound, theirs if outbound).
        let action = null;
        let viaRpc = false;
        if (outbound) {
            action = st.inCalls.get(id) ?? null;
            st.inCalls.delete(id);
        } else {
            const call = st.outCalls.get(id);
            st.outCalls.delete(id);
            if (call) {
                action = call.action;
                if (call.raw) st.rawAnswered.add(id);
                else viaRpc = true;
            }
        }
        const name = action ?? '?';
        if (type === 3) {
            const payload = msg[2];
            this.log.emit({ cp: st.cp, dir, type: 'result', id, action, payload },
                `${st.cp} ${arrow} ${name}.conf ${short(safeStringify(payload))}`);
        } else {
            const [, , code, description, details] = msg;
            if (viaRpc) st.rawErrors.set(id, { code, description, details });
            this.log.emit({ cp: st.cp, dir, type: 'error', id, action, error: { code, description, details } },
                `${st.cp} ${arrow} ${name} CALLERROR ${code} ${safeStringify(description ?? '')} ${short(safeStringify(details ?? {}))}`);
        }
    }

    logValidation(st, { messageId, method, error, outbound, isCall }) {
        const dir = outbound ? 'out' : 'in';
        const code = ocpp16Code(error?.rpcErrorCode ?? 'GenericError');
        const detail = String(error?.message ?? error);
        this.log.event('validation-error', {
            cp: st.cp, dir, kind: 'schema', messageType: isCall ? 'call' : 'result', id: messageId, action: method, code, detail,
        }, `${st.cp} VALIDATION ${dir} ${method}.${isCall ? 'req' : 'conf'} [${messageId}] ${code}: ${detail}` +
            (outbound && !isCall ? ' (sent InternalError instead)' : '') +
            (!outbound && isCall ? ' (answered with a CALLERROR)' : ''));
    }

    logBadMessage(st, { buffer, error }) {
        const text = String(buffer);
        try {
            const msg = JSON.parse(text);
            if (Array.isArray(msg) && (msg[0] === 3 || msg[0] === 4) && st.rawAnswered.delete(msg[1])) return;
        } catch (err) { /* not JSON: a framing error indeed */ }
        const code = error?.rpcErrorCode ?? 'RpcFrameworkError';
        const detail = String(error?.message ?? error);
        this.log.event('validation-error', { cp: st.cp, dir: 'in', kind: 'framing', code, detail, text: short(text, 500) },
            `${st.cp} VALIDATION in (framing) ${code}: ${detail}: ${short(text, 500)}`);
    }

    // ------------------------------------------------------------ SNTP

    onSntp(msg, rinfo) {
        try {
            const from = `${rinfo.address}:${rinfo.port}`;
            const now = this.opts.sntpTime ?? (performance.timeOrigin + performance.now()) / 1000;
            const reply = sntpReply(msg, now);
            if (!reply) {
                this.log.event('sntp-ignored', { from, length: msg.length, mode: msg.length ? msg[0] & 7 : null },
                    `SNTP ignored ${msg.length} bytes from ${from} (not a 48-byte mode 3 request)`);
                return;
            }
            this.udp.send(reply, rinfo.port, rinfo.address, err => {
                if (err) this.internalError('sntp send', err);
            });
            this.log.event('sntp', { from, time: isoOfUnix(now) }, `SNTP ${from} <- ${isoOfUnix(now)}`);
        } catch (err) {
            this.internalError('sntp', err);
        }
    }

    // ------------------------------------------------------------ control protocol (stdin)

    async command(line) {
        const text = line.trim();
        if (text === '') return;
        let c;
        try {
            c = JSON.parse(text);
        } catch (err) {
            c = undefined;
        }
        if (!c || typeof c !== 'object' || Array.isArray(c) || typeof c.cmd !== 'string') {
            // The readable (interactive) mode ignores what is not a command.
            if (this.opts.json) this.log.reply({ reply: null, ok: false, error: { code: 'BadCommand', description: 'not a JSON command object' } });
            return;
        }
        const id = c.id ?? null;
        let out;
        try {
            out = await this.run(c);
        } catch (err) {
            out = { ok: false, error: { code: 'InternalError', description: String(err?.message || err) } };
        }
        this.log.reply({ reply: id, ...out });
        if (c.cmd === 'quit') this.stop('quit command');
    }

    async run(c) {
        const fail = (code, description) => ({ ok: false, error: { code, description } });
        const needClient = () => {
            const client = this.clients.get(c.cp);
            return client ? { client } : { err: fail('NotConnected', `no charge point '${c.cp}' connected`) };
        };
        switch (c.cmd) {
        case 'respondRaw': {
            if (typeof c.text !== 'string') return fail('BadCommand', "'text' must be a string");
            const { text, ...rest } = c;
            return this.run({ ...rest, cmd: 'respond', raw: text, result: undefined, error: undefined, noReply: undefined });
        }
        case 'sendFrame': {
            const { client, err } = needClient();
            if (err) return err;
            let bytes;
            try {
                bytes = frameBytes(c);
            } catch (e) {
                return fail('BadCommand', e.message);
            }
            const socket = client._ws?._socket;
            if (!socket || client._ws.readyState !== 1 || !socket.writable) return fail('NotConnected', `the connection of '${c.cp}' is not open`);
            const st = this.state.get(client);
            this.log.event('frame-sent', { cp: st.cp, bytes: bytes.length, hex: short(bytes.toString('hex'), 200) },
                `${st.cp} <- (raw frame bytes) ${short(bytes.toString('hex'), 200)}`);
            socket.write(bytes);
            return { ok: true, bytes: bytes.length };
        }
        case 'handshake': {
            if (!isHandshakeMode(c.mode)) return fail('BadCommand', `'mode' must be one of ${HANDSHAKE_MODES.join(', ')}, status-NNN`);
            const times = c.times ?? 1;
            if (!Number.isInteger(times) || times < -1) return fail('BadCommand', "'times' must be -1, 0 or a positive integer");
            if (c.cp !== undefined && typeof c.cp !== 'string') return fail('BadCommand', "'cp' must be a string");
            const match = r => c.cp === undefined || r.cp === c.cp;
            if (times === 0) {
                const before = this.handshakeRules.length;
                this.handshakeRules = this.handshakeRules.filter(r => !match(r));
                return { ok: true, cleared: before - this.handshakeRules.length };
            }
            this.handshakeRules.push({ mode: c.mode, cp: c.cp ?? null, remaining: times });
            return { ok: true };
        }
        case 'clients':
            return { ok: true, clients: [...this.clients.keys()] };
        case 'quit':
            return { ok: true };
        case 'call': {
            const { client, err } = needClient();
            if (err) return err;
            if (typeof c.action !== 'string' || !c.action) return fail('BadCommand', "'action' required");
            return this.callCp(client, c);
        }
        case 'respond': {
            if (typeof c.action !== 'string' || !KNOWN_ACTIONS.has(c.action)) {
                return fail('BadCommand', `'action' must be an OCPP 1.6 action with a request schema, not '${c.action}'`);
            }
            const times = c.times ?? 1;
            if (!Number.isInteger(times) || times < -1) return fail('BadCommand', "'times' must be -1, 0 or a positive integer");
            if (c.cp !== undefined && typeof c.cp !== 'string') return fail('BadCommand', "'cp' must be a string");
            const match = o => o.action === c.action && (c.cp === undefined || o.cp === c.cp);
            if (times === 0) {
                const before = this.overrides.length;
                this.overrides = this.overrides.filter(o => !match(o));
                return { ok: true, cleared: before - this.overrides.length };
            }
            const kinds = ['result', 'error', 'noReply', 'raw'].filter(k => c[k] !== undefined && c[k] !== false);
            if (kinds.length !== 1) return fail('BadCommand', "give exactly one of 'result', 'error', 'noReply', 'raw'");
            if (c.raw !== undefined && typeof c.raw !== 'string') return fail('BadCommand', "'raw' must be a string");
            if (c.error !== undefined && (typeof c.error !== 'object' || c.error === null || typeof c.error.code !== 'string')) {
                return fail('BadCommand', "'error' must be {code, description?, details?}");
            }
            const delayMs = c.delayMs ?? 0;
            if (typeof delayMs !== 'number' || !(delayMs >= 0)) return fail('BadCommand', "'delayMs' must be a number >= 0");
            this.overrides.push({
                action: c.action, cp: c.cp ?? null, remaining: times, result: c.result, error: c.error,
                noReply: !!c.noReply, raw: c.raw, delayMs,
            });
            if (!(c.action in this.defaults())) {
                this.extraActions.add(c.action);
                for (const client of this.allClients) this.handle(client, c.action);
            }
            return { ok: true };
        }
        case 'sendRaw': {
            const { client, err } = needClient();
            if (err) return err;
            if (typeof c.text !== 'string') return fail('BadCommand', "'text' must be a string");
            client.sendRaw(c.text);
            return { ok: true };
        }
        case 'disconnect': {
            const { client, err } = needClient();
            if (err) return err;
            const code = c.code ?? 1000;
            const closed = await within(client.close({ code, reason: c.reason ?? '', force: !!c.force }), 5000);
            if (!closed) {
                terminate(client);
                return { ok: true, code: 1006, reason: 'no close handshake within 5 s: terminated' };
            }
            return { ok: true, code: closed.code, reason: closed.reason ?? '' };
        }
        default:
            return fail('UnknownCommand', `unknown cmd '${c.cmd}'`);
        }
    }

    async callCp(client, c) {
        const st = this.state.get(client);
        const params = c.payload === undefined ? {} : c.payload;
        let messageId = null;
        const onCall = ({ outbound, payload }) => {
            if (outbound && payload[2] === c.action && payload[3] === params) messageId = payload[1];
        };
        client.on('call', onCall);
        try {
            const options = { callTimeoutMs: c.timeoutMs ?? 30000 };
            const promise = client.call(c.action, params, options);
            const result = await promise;
            return { ok: true, messageId, result };
        } catch (err) {
            const raw = messageId !== null ? st?.rawErrors.get(messageId) : undefined;
            let error;
            if (raw) error = { code: raw.code, description: raw.description, details: raw.details };
            else if (err instanceof TimeoutError) error = { code: 'Timeout', description: err.message || 'Call timeout' };
            else if (err instanceof RPCError) error = { code: ocpp16Code(err.rpcErrorCode), description: err.message, details: err.details };
            else error = { code: err?.name === 'AbortError' ? 'Aborted' : 'Error', description: String(err?.message || err) };
            if (error.details && error.details.data !== undefined && error.details.errors) {
                // a local validation failure: the ajv errors are enough
                error.details = { errors: error.details.errors };
            }
            return { ok: false, messageId, error };
        } finally {
            client.off('call', onCall);
            if (messageId !== null) st?.rawErrors.delete(messageId);
        }
    }

    // ------------------------------------------------------------ lifecycle

    stop(reason) {
        if (this.stopping) return this.stopping;
        let done;
        this.stopping = new Promise(resolve => { done = resolve; });
        (async () => {
            this.log.event('stopping', { reason }, `stopping (${reason})`);
            if (this.rl) this.rl.close();
            if (process.stdin.readable) process.stdin.destroy();
            const clients = [...this.allClients];
            const closing = clients.map(c => c.close({ code: 1001, reason: 'Central system shutting down' }).catch(() => {}));
            for (const finish of [...this.hostileSockets.values()]) finish('us');
            this.http?.close();
            this.udp?.close();
            await within(Promise.allSettled(closing), 1500);
            for (const c of this.allClients) terminate(c);
            this.rpc?.close({ force: true }).catch(() => {});
            this.http?.closeAllConnections?.();
            await sleep(20);
            this.log.event('stopped', {}, 'stopped');
        })().catch(err => this.internalError('stop', err)).finally(done);
        return this.stopping;
    }
}

// ocpp-rpc's validator says FormatViolation and OccurenceConstraintViolation; OCPP 1.6J
// (errata v1.0, section 5) spells them FormationViolation and OccurrenceConstraintViolation,
// which is also what ocpp-rpc puts in the CALLERRORs it sends on an ocpp1.6 connection.
function ocpp16Code(code) {
    return { FormatViolation: 'FormationViolation', OccurenceConstraintViolation: 'OccurrenceConstraintViolation' }[code] ?? code;
}

// The bytes of a `sendFrame` command: `hex` as it is, or `frame` / `frames` built by buildFrame.
function frameBytes(c) {
    const given = ['hex', 'frame', 'frames'].filter(k => c[k] !== undefined);
    if (given.length !== 1) throw new Error("give exactly one of 'hex', 'frame', 'frames'");
    if (c.hex !== undefined) {
        if (typeof c.hex !== 'string') throw new Error("'hex' must be a string");
        const hex = c.hex.replace(/\s+/g, '');
        if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new Error("'hex' must be an even number of hex digits");
        return Buffer.from(hex, 'hex');
    }
    const specs = c.frame !== undefined ? [c.frame] : c.frames;
    if (!Array.isArray(specs) || specs.length === 0) throw new Error("'frames' must be a non-empty array");
    return Buffer.concat(specs.map(buildFrame));
}

// One WebSocket frame (RFC 6455 5.2) from {opcode, fin, rsv, mask, text | payloadHex | size, length}:
// opcode 0-15 (default 1, text), fin (default true), rsv 0-7 (RSV1-3, default 0), mask (true: a
// random key; 8 hex digits: that key; default none, as a server sends), the payload as text
// (UTF-8), hex or `size` bytes of 'x'; length: the length to declare (number or decimal string, up
// to 2^64-1) when it is not the payload's.
function buildFrame(spec) {
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('a frame must be an object');
    const opcode = spec.opcode ?? 1;
    const fin = spec.fin ?? true;
    const rsv = spec.rsv ?? 0;
    if (!Number.isInteger(opcode) || opcode < 0 || opcode > 15) throw new Error("'opcode' must be 0-15");
    if (!Number.isInteger(rsv) || rsv < 0 || rsv > 7) throw new Error("'rsv' must be 0-7");
    const sources = ['text', 'payloadHex', 'size'].filter(k => spec[k] !== undefined);
    if (sources.length > 1) throw new Error("give at most one of 'text', 'payloadHex', 'size'");
    let payload = Buffer.alloc(0);
    if (spec.text !== undefined) payload = Buffer.from(String(spec.text), 'utf8');
    if (spec.payloadHex !== undefined) {
        const hex = String(spec.payloadHex).replace(/\s+/g, '');
        if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error("'payloadHex' must be an even number of hex digits");
        payload = Buffer.from(hex, 'hex');
    }
    if (spec.size !== undefined) {
        if (!Number.isInteger(spec.size) || spec.size < 0 || spec.size > 16 * 1024 * 1024) throw new Error("'size' must be 0-16 MiB");
        payload = Buffer.alloc(spec.size, 'x');
    }
    let length;
    try {
        length = BigInt(spec.length ?? payload.length);
    } catch (e) {
        throw new Error("'length' must be an integer");
    }
    if (length < 0n || length > 0xffffffffffffffffn) throw new Error("'length' must be 0 to 2^64-1");
    let key = null;
    if (spec.mask === true) key = crypto.randomBytes(4);
    else if (typeof spec.mask === 'string') {
        if (!/^[0-9a-fA-F]{8}$/.test(spec.mask)) throw new Error("'mask' must be true or 8 hex digits");
        key = Buffer.from(spec.mask, 'hex');
    } else if (spec.mask !== undefined && spec.mask !== false && spec.mask !== null) throw new Error("'mask' must be true or 8 hex digits");
    const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
    const maskBit = key ? 0x80 : 0;
    if (length < 126n) head.push(maskBit | Number(length));
    else if (length < 65536n) head.push(maskBit | 126, Number(length >> 8n), Number(length & 0xffn));
    else {
        head.push(maskBit | 127);
        for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((length >> shift) & 0xffn));
    }
    if (key) {
        payload = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
        return Buffer.concat([Buffer.from(head), key, payload]);
    }
    return Buffer.concat([Buffer.from(head), payload]);
}

function terminate(client) {
    // ocpp-rpc's close() is a no-op once a close is under way; end the socket itself.
    try {
        client._ws?.terminate();
    } catch (err) { /* already gone */ }
}

function writeHttpError(socket, status, message) {
    try {
        if (socket.writable) {
            const body = String(message);
            socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Error'}\r\n` +
                'Connection: close\r\nContent-Type: text/plain\r\n' +
                `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        }
    } catch (err) { /* the peer is gone */ }
    socket.destroy();
}

function sleep(ms, signal) {
    return new Promise(resolve => {
        const t = setTimeout(resolve, ms);
        signal?.addEventListener?.('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
}

// The promise's value, or null if it takes longer than ms (the timer never outlives it).
function within(promise, ms) {
    let timer;
    return Promise.race([promise, new Promise(resolve => { timer = setTimeout(resolve, ms, null); })])
        .finally(() => clearTimeout(timer));
}

function isoOfUnix(s) {
    return new Date(Math.round(s * 1000)).toISOString();
}

// ---------------------------------------------------------------- main

async function main() {
    let opts;
    try {
        opts = parseOptions(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`csms: ${err.message}\n${USAGE}\n`);
        process.exit(2);
    }
    if (opts.help) {
        process.stdout.write(USAGE + '\n');
        return;
    }
    const csms = new Csms(opts);
    // A bad client must never bring the central system down: log and go on.
    process.on('uncaughtException', err => csms.internalError('uncaught', err));
    process.on('unhandledRejection', err => csms.internalError('unhandled rejection', err));

    let started = false;
    let stopAfterStart = null;
    const shutdown = reason => {
        if (!started) {
            stopAfterStart = reason;
            return;
        }
        csms.stop(reason).then(() => {
            // Everything is closed, so node would exit by itself; make sure it does.
            setTimeout(() => process.exit(0), 2000).unref();
        });
    };
    let signals = 0;
    for (const sig of ['SIGINT', 'SIGTERM']) {
        process.on(sig, () => {
            if (++signals > 1) process.exit(1);
            shutdown(sig);
        });
    }
    csms.log.onBroken = () => shutdown('stdout closed');

    try {
        await csms.start();
    } catch (err) {
        process.stderr.write(`csms: cannot start: ${err.message}\n`);
        process.exit(1);
    }
    started = true;
    if (stopAfterStart) return shutdown(stopAfterStart);

    csms.rl = readline.createInterface({ input: process.stdin, terminal: false });
    csms.rl.on('line', line => { csms.command(line); });
    csms.rl.on('close', () => {
        if (opts.exitOnStdinEnd && !csms.stopping) shutdown('stdin ended');
    });
    process.stdin.on('error', () => {});
}

if (require.main === module) {
    main();
}

module.exports = { sntpReply, parseOptions, buildFrame, frameBytes, HANDSHAKE_MODES };
