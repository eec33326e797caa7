'use strict';
// corobench peer "node": Node.js's own http server on its one event loop.
//
// Node's http parser (llhttp) reads the requests; this handler adds what
// corobench's protocol asks beyond it (the endpoints, parameters and bounds,
// the error answers of protocol) and maps llhttp's own refusals to the
// statuses the Go parser gives. Waits are timers in the loop; CPU work runs on
// the loop and stalls every connection while it runs -- the point of an event
// loop. The unit of work is Go's (work.Spin): one xorshift32 step, calibrated
// the same way (the fastest of short, equal slices).
//
//   node server.js --port PORT [--host H] [--cpu-rate R]

const http = require('http');

const MAX_HEADER_BYTES = 8 << 10;
const MAX_BODY_BYTES = 1 << 20;
const MAX_CPU_MICROS = 1000000;
const MAX_CPU_UNITS = 600_000_000; // about a second of work, as us
const MAX_WAIT_MILLIS = 60000;
const IDLE_TIMEOUT_MS = 60000;
const REQUEST_TIMEOUT_MS = 10000;
const SEED = 2463534242;
const MODEL = 'node';

const STATUS_TEXT = {
  200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 413: 'Content Too Large', 431: 'Request Header Fields Too Large',
  501: 'Not Implemented', 505: 'HTTP Version Not Supported',
};

// spin does units steps of xorshift32 from SEED and returns the final state.
function spin(units) {
  let x = SEED | 0;
  for (let i = 0; i < units; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

// calibrate is work.Calibrate: units per µs, from the fastest of equal slices
// timed for about totalMs.
function calibrate(totalMs = 60) {
  const slice = 1 << 18;
  let sum = spin(slice); // warm up (and let the JIT compile spin)
  let best = Infinity;
  const deadline = process.hrtime.bigint() + BigInt(totalMs * 1e6);
  for (let trials = 0; trials < 5 || process.hrtime.bigint() < deadline; trials++) {
    const start = process.hrtime.bigint();
    sum ^= spin(slice);
    const d = Number(process.hrtime.bigint() - start);
    if (d > 0 && d < best) best = d;
  }
  if (sum === 0.5) console.error(sum); // the work must not be optimised away
  return slice / (best / 1000);
}

// units is work.Rate.Units: math.Round(rate*us), half away from zero.
function units(rate, us) {
  return Math.floor(rate * us + 0.5);
}

class ProtoError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
  }
}

// What each endpoint takes: name -> [maximum, required].
const PARAMS = {
  '/health': {},
  '/cpu': { us: [MAX_CPU_MICROS, false], n: [MAX_CPU_UNITS, false] },
  '/io': { ms: [MAX_WAIT_MILLIS, true] },
  '/echo': { size: [MAX_BODY_BYTES, false] },
  '/mix': { us: [MAX_CPU_MICROS, true], ms: [MAX_WAIT_MILLIS, true] },
};

function parseUint(v, max) {
  if (v.length === 0 || v.length > 19 || !/^[0-9]+$/.test(v)) return -1;
  const n = Number(v);
  return n <= max ? n : -1;
}

// parseTarget is protocol's parseTarget and parseQuery: it returns
// {path, us, n, ms, size} or throws a ProtoError.
function parseTarget(method, target) {
  if (/[^\x21-\x7e]/.test(target)) throw new ProtoError(400, 'malformed request target');
  if (target.startsWith('http://')) {
    const slash = target.indexOf('/', 7);
    if (slash <= 7) throw new ProtoError(400, 'malformed absolute request target');
    target = target.slice(slash);
  }
  if (target[0] !== '/') throw new ProtoError(400, 'request target must start with /');
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const allowed = PARAMS[path];
  if (!Object.hasOwn(PARAMS, path)) throw new ProtoError(404, 'no such path');
  if (!(method === 'GET' || (path === '/echo' && method === 'POST'))) {
    throw new ProtoError(405, 'method not allowed on this path');
  }
  const r = { path, us: 0, n: 0, ms: 0, size: 0 };
  const seen = new Set();
  for (const kv of q < 0 ? [] : target.slice(q + 1).split('&')) {
    if (kv === '') continue;
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!Object.hasOwn(allowed, key)) throw new ProtoError(400, `unknown parameter ${key}`);
    if (seen.has(key)) throw new ProtoError(400, `parameter ${key} given twice`);
    seen.add(key);
    const v = parseUint(eq < 0 ? '' : kv.slice(eq + 1), allowed[key][0]);
    if (v < 0) throw new ProtoError(400, `parameter ${key} must be a whole number from 0 to ${allowed[key][0]}`);
    r[key] = v;
  }
  for (const [key, [, required]] of Object.entries(allowed)) {
    if (required && !seen.has(key)) throw new ProtoError(400, `parameter ${key} is required`);
  }
  if (path === '/cpu' && seen.size === 0) throw new ProtoError(400, 'parameter us or n is required');
  return r;
}

// check is what protocol checks that llhttp does not, in the Go
// parser's order: version, target, headers.
function check(req) {
  if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0') {
    // llhttp reads a missing version as 0.9, and accepts only major 0-2.
    if (req.httpVersionMajor === 0) throw new ProtoError(400, 'malformed version');
    throw new ProtoError(505, `version HTTP/${req.httpVersion} not supported`);
  }
  const r = parseTarget(req.method, req.url);
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'host') hosts++;
  }
  if (hosts > 1) throw new ProtoError(400, 'more than one Host header');
  const length = Number(req.headers['content-length'] || 0);
  if (length > MAX_BODY_BYTES) throw new ProtoError(413, `body exceeds ${MAX_BODY_BYTES} bytes`);
  if (req.headers['transfer-encoding'] !== undefined) {
    throw new ProtoError(501, 'Transfer-Encoding is not supported; send Content-Length');
  }
  if (req.httpVersion === '1.1' && hosts === 0) throw new ProtoError(400, 'HTTP/1.1 request without Host');
  if (r.path === '/echo' && req.method === 'POST' && r.size !== 0) {
    throw new ProtoError(400, 'POST /echo takes a body, not size');
  }
  return r;
}

function head(status, length, close) {
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nServer: corobench\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${length}${close ? '\r\nConnection: close' : ''}\r\n\r\n`;
}

function send(res, status, body) {
  const headers = [['Server', 'corobench'], ['Content-Type', 'text/plain'], ['Content-Length', body.length]];
  if (status >= 400) headers.push(['Connection', 'close']);
  res.writeHead(status, STATUS_TEXT[status], headers);
  res.end(body);
}

// FILLER is what GET /echo?size=N answers with, repeated: targets.App's bytes.
const FILLER = Buffer.from(Array.from({ length: 4096 }, (_, i) => 97 + (i % 26)));

function filler(size) {
  const b = Buffer.allocUnsafe(size);
  for (let off = 0; off < size; off += FILLER.length) FILLER.copy(b, off, 0, Math.min(FILLER.length, size - off));
  return b;
}

function respond(app, req, res, r, body) {
  let out;
  switch (r.path) {
    case '/health': out = Buffer.from(`${app.model}\n`); break;
    case '/cpu': case '/mix': {
      const u = r.n || units(app.rate, r.us);
      out = Buffer.from(`units=${u} checksum=${spin(u).toString(16).padStart(8, '0')}\n`);
      break;
    }
    case '/io': out = Buffer.from('ok\n'); break;
    default: out = req.method === 'POST' ? body : filler(r.size);
  }
  send(res, 200, out);
}

function handle(app, req, res) {
  let r;
  try {
    r = check(req);
  } catch (err) {
    send(res, err.status, Buffer.from(`${err.message}\n`));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (r.ms > 0) setTimeout(respond, r.ms, app, req, res, r, body);
    else respond(app, req, res, r, body);
  });
}

// statusOf maps a refusal of llhttp to the status protocol gives the
// same bytes.
function statusOf(err) {
  const raw = (err.rawPacket || Buffer.alloc(0)).toString('latin1');
  const line = raw.split('\r\n', 1)[0];
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/\d\.\d)$/.exec(line);
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': return 431;
    case 'HPE_INVALID_CONTENT_LENGTH': {
      // Too many digits for llhttp: too large a body for the protocol.
      const len = /\r\ncontent-length:[ \t]*([0-9]+)[ \t]*\r\n/i.exec(raw);
      return len && len[1].replace(/^0+/, '').length > 7 ? 413 : 400;
    }
    case 'HPE_INVALID_VERSION':
      return m ? 505 : 400;
    case 'HPE_INVALID_METHOD':
      // A method llhttp does not know: 404 or 405 as for any other method.
      if (!m) return 400;
      try {
        parseTarget('OTHER', m[2]);
      } catch (e) {
        return e.status;
      }
      return 405;
  }
  return 400;
}

function main() {
  const args = { host: '127.0.0.1', port: 0, cpuRate: 0 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--host': args.host = argv[++i]; break;
      case '--port': args.port = Number(argv[++i]); break;
      case '--cpu-rate': args.cpuRate = Number(argv[++i]); break;
      default:
        console.error(`usage: node server.js --port PORT [--host H] [--cpu-rate R]; unknown ${argv[i]}`);
        process.exit(2);
    }
  }
  const app = { model: MODEL, rate: args.cpuRate > 0 ? args.cpuRate : calibrate() };
  const server = http.createServer({
    maxHeaderSize: MAX_HEADER_BYTES,
    requireHostHeader: false, // checked here, to answer as the Go parser does
    keepAliveTimeout: IDLE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    headersTimeout: REQUEST_TIMEOUT_MS,
    noDelay: true,
  }, (req, res) => {
    res.sendDate = false;
    handle(app, req, res);
  });
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : statusOf(err);
    const body = `${err.code}\n`;
    socket.end(head(status, body.length, true) + body);
  });
  // The backlog is capped by the kernel's somaxconn, as Go's listen is.
  server.listen(args.port, args.host, 4096, () => {
    const a = server.address();
    console.log(JSON.stringify({ model: MODEL, addr: `${a.address}:${a.port}`, pid: process.pid, cpu_rate: app.rate }));
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = { spin, calibrate, units, parseTarget };

if (require.main === module) main();
