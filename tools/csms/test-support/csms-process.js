'use strict';
// Shared by the tests of tools/csms: the central system as a child process in --json mode on free
// ports, read line by line, driven over stdin.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const CSMS = path.join(__dirname, '..', 'csms.js');
const WS_PATH = '/steve/websocket/CentralSystemService';
const STEP_MS = 5000;   // the longest any single wait may take

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise,
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
    ]).finally(() => clearTimeout(timer));
}

class Csms {
    static async start(args = []) {
        const c = new Csms(args);
        c.listening = await c.waitFor(l => l.event === 'listening', 'listening line');
        return c;
    }

    constructor(args) {
        this.lines = [];
        this.waiters = [];
        this.nextId = 1;
        this.stderr = '';
        this.proc = spawn(process.execPath, [CSMS, '--json', '--port', '0', '--sntp-port', '0', '--exit-on-stdin-end', ...args],
            { stdio: ['pipe', 'pipe', 'pipe'] });
        this.exited = new Promise(resolve => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
        this.proc.stderr.on('data', d => { this.stderr += d; });
        readline.createInterface({ input: this.proc.stdout }).on('line', line => {
            let obj;
            try {
                obj = JSON.parse(line);
            } catch (err) {
                obj = { unparsed: line };
            }
            this.lines.push(obj);
            for (const w of [...this.waiters]) {
                if (w.pred(obj)) {
                    this.waiters.splice(this.waiters.indexOf(w), 1);
                    w.resolve(obj);
                }
            }
        });
    }

    get url() {
        return `ws://127.0.0.1:${this.listening.port}${WS_PATH}`;
    }

    waitFor(pred, what, { from = 0, ms = STEP_MS } = {}) {
        const seen = this.lines.slice(from).find(pred);
        if (seen) return Promise.resolve(seen);
        return withTimeout(new Promise(resolve => this.waiters.push({ pred, resolve })), ms,
            `${what}; output so far:\n${this.lines.map(l => JSON.stringify(l)).join('\n')}\n${this.stderr}`);
    }

    mark() {
        return this.lines.length;
    }

    async send(cmd) {
        const id = this.nextId++;
        this.proc.stdin.write(JSON.stringify({ id, ...cmd }) + '\n');
        return this.waitFor(l => l.reply === id, `reply to ${JSON.stringify(cmd)}`, { ms: (cmd.timeoutMs ?? 0) + STEP_MS });
    }

    async stop() {
        if (this.proc.exitCode === null && this.proc.signalCode === null) {
            this.proc.stdin.end();
            const timer = setTimeout(() => this.proc.kill('SIGKILL'), STEP_MS);
            await this.exited;
            clearTimeout(timer);
        }
        return this.exited;
    }
}

module.exports = { Csms, withTimeout, WS_PATH, STEP_MS };
