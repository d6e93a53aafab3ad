// Validates OCPP 1.6 payloads with ocpp-rpc's own validator (ajv over the official OCPP 1.6 JSON
// schemas, the check its strictMode applies to every message). Reads JSON lines
// {"action": "BootNotification", "kind": "req" | "conf", "payload": {...}} on stdin and answers
// each with one line {"ok": true|false, "errors": [...]} on stdout.
// Usage: node validate.js <path of a node_modules that holds ocpp-rpc>
'use strict';
const path = require('path');
const readline = require('readline');

const modules = process.argv[2] || path.join(__dirname, '..', '..', '..', 'tools', 'csms', 'node_modules');
const validators = require(path.join(modules, 'ocpp-rpc', 'lib', 'standard-validators.js'));
const ocpp16 = validators.find(v => v.subprotocol === 'ocpp1.6');
if (!ocpp16) throw new Error('ocpp-rpc has no ocpp1.6 validator');

function check(request) {
    const { action, kind, payload } = request;
    if (typeof action !== 'string' || (kind !== 'req' && kind !== 'conf'))
        return { ok: false, errors: ['bad request: ' + JSON.stringify(request)] };
    try {
        ocpp16.validate(`urn:${action}.${kind}`, payload);
        return { ok: true, errors: [] };
    } catch (e) {
        const details = (e.details && e.details.errors) || [];
        const errors = details.length > 0
            ? details.map(d => `${e.rpcErrorCode}: ${d.instancePath || '/'} ${d.message}`)
            : [`${e.rpcErrorCode || 'Error'}: ${e.message}`];
        return { ok: false, errors };
    }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on('line', line => {
    if (line.trim() === '') return;
    let answer;
    try {
        answer = check(JSON.parse(line));
    } catch (e) {
        answer = { ok: false, errors: ['not JSON: ' + e.message] };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
});
