#!/usr/bin/env node
'use strict';
// The chatbot's backend: serves the page in public/, answers POST /api/ask by
// calling guru-server's Search (and Related, for more posts like the best
// one) over gRPC (@grpc/grpc-js, with the contract loaded at run time from
// proto/guru/v1/search.proto), and GET /api/post?id=ID by calling GetPost.
// When Search fails it still asks CheckSafety, which needs no index, so that
// an emergency or a crisis is shown even while the index is unavailable.
// The reply is answer.js's answerMessage, which the page runs itself in
// direct mode.
//
// With --guru-http URL it does not call guru-server at all (direct mode): it
// serves the page with a config.json that tells it to call guru-server's
// HTTP/JSON API at URL from the browser (with the bearer token of
// --guru-token-file, if any), lets the page connect there (its
// Content-Security-Policy), and has no /api/.
//
//   node server.js [--guru HOST:PORT] [--host ADDR] [--port N] [--deadline-ms MS]
//                  [--proto-dir DIR] [--googleapis-dir DIR]
//   node server.js --guru-http URL [--guru-token-file FILE] [--host ADDR] [--port N] [--deadline-ms MS]
//
// Environment: GURU_SERVER, CHATBOT_HOST, CHATBOT_PORT, GURU_DEADLINE_MS,
// CHATBOT_GURU_HTTP, CHATBOT_GURU_TOKEN_FILE; flags win. Listens on
// 127.0.0.1:8080 by default; --port 0 picks a free port. Once listening it
// prints `chatbot listening on http://HOST:PORT` on stdout.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { answerMessage, lookUpPost } = require('./lib/answer');
const { guruUrl } = require('./public/guru-http');

// Where Debian's golang-github-grpc-ecosystem-grpc-gateway-dev (installed by
// scripts/setup.sh) puts google/api/annotations.proto and http.proto.
const DEFAULT_GOOGLEAPIS_DIR =
  '/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis';

const USAGE = `usage: node server.js [--guru HOST:PORT] [--host ADDR] [--port N] [--deadline-ms MS]
                      [--proto-dir DIR] [--googleapis-dir DIR]
       node server.js --guru-http URL [--guru-token-file FILE] [--host ADDR] [--port N]
  --guru             guru-server's gRPC address (GURU_SERVER; default 127.0.0.1:50051)
  --host             address to listen on (CHATBOT_HOST; default 127.0.0.1)
  --port             port to listen on, 0 for a free one (CHATBOT_PORT; default 8080)
  --deadline-ms      deadline of each search call (GURU_DEADLINE_MS; default 10000)
  --proto-dir        directory holding guru/v1/search.proto (default ../../proto)
  --googleapis-dir   directory holding google/api/annotations.proto, which
                     search.proto imports (default: Debian's
                     golang-github-grpc-ecosystem-grpc-gateway-dev,
                     ${DEFAULT_GOOGLEAPIS_DIR})
  --guru-http        direct mode: the page calls guru-server's HTTP/JSON API at
                     this URL (guru-server --http-listen) from the browser, and
                     this server only serves the page (CHATBOT_GURU_HTTP);
                     guru-server must allow the page's origin (--http-cors-origin)
  --guru-token-file  direct mode: file holding guru-server's bearer token
                     (guru-server --auth-token-file), handed to the page
                     (CHATBOT_GURU_TOKEN_FILE)`;

// Largest request body accepted on /api/ask.
const MAX_BODY_BYTES = 64 * 1024;

function parseArgs(argv, env) {
  const config = {
    guru: env.GURU_SERVER || '127.0.0.1:50051',
    host: env.CHATBOT_HOST || '127.0.0.1',
    port: env.CHATBOT_PORT !== undefined ? env.CHATBOT_PORT : '8080',
    deadlineMs: env.GURU_DEADLINE_MS || '10000',
    protoDir: path.resolve(__dirname, '..', '..', 'proto'),
    googleapisDir: DEFAULT_GOOGLEAPIS_DIR,
    guruHttp: env.CHATBOT_GURU_HTTP || '',
    guruTokenFile: env.CHATBOT_GURU_TOKEN_FILE || '',
  };
  const flags = {
    '--guru': 'guru',
    '--host': 'host',
    '--port': 'port',
    '--deadline-ms': 'deadlineMs',
    '--proto-dir': 'protoDir',
    '--googleapis-dir': 'googleapisDir',
    '--guru-http': 'guruHttp',
    '--guru-token-file': 'guruTokenFile',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(name in flags)) return { error: `unknown argument '${arg}'` };
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return { error: `${name} needs a value` };
    config[flags[name]] = value;
  }
  const port = Number(config.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { error: `port must be 0..65535, not '${config.port}'` };
  }
  const deadlineMs = Number(config.deadlineMs);
  if (!Number.isInteger(deadlineMs) || deadlineMs <= 0) {
    return { error: `deadline must be a positive number of milliseconds, not '${config.deadlineMs}'` };
  }
  let guruHttp = '';
  if (config.guruHttp) {
    guruHttp = guruUrl(config.guruHttp);
    if (!guruHttp) return { error: `--guru-http must be an http(s) URL without query, not '${config.guruHttp}'` };
  } else if (config.guruTokenFile) {
    return { error: '--guru-token-file is for direct mode (--guru-http)' };
  }
  return { config: { ...config, port, deadlineMs, guruHttp } };
}

// The bearer token in `file` (its content, trailing whitespace dropped).
function readToken(file) {
  const token = fs.readFileSync(file, 'utf8').replace(/\s+$/, '');
  if (!token || /[\s]/.test(token)) throw new Error(`${file}: not one token`);
  return token;
}

function loadSearchService(protoDir, googleapisDir = DEFAULT_GOOGLEAPIS_DIR) {
  const annotations = path.join(googleapisDir, 'google', 'api', 'annotations.proto');
  if (!fs.existsSync(annotations)) {
    throw new Error(
      `${annotations} not found (search.proto imports it): install golang-github-grpc-ecosystem-grpc-gateway-dev ` +
        '(scripts/setup.sh does) or pass --googleapis-dir',
    );
  }
  const definition = protoLoader.loadSync('guru/v1/search.proto', {
    includeDirs: [protoDir, googleapisDir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
  });
  return grpc.loadPackageDefinition(definition).guru.v1.GuruSearch;
}

const STATIC_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/answer.js': ['answer.js', 'text/javascript; charset=utf-8'],
  '/guru-http.js': ['guru-http.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

// The page may connect to its own origin and, in direct mode, guru-server's.
function securityHeaders(config) {
  const connect = config.guruHttp ? `'self' ${new URL(config.guruHttp).origin}` : "'self'";
  return {
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${connect}; img-src 'self'; base-uri 'none'; form-action 'self'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

function send(res, status, type, body) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...res.securityHeaders, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // The rest is read and dropped, so that the 413 reaches the client.
        chunks.length = 0;
        reject(Object.assign(new Error('body too large'), { httpStatus: 413 }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function call(client, method, request, deadlineMs) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + deadlineMs }, (err, response) =>
      err ? reject(err) : resolve(response),
    );
  });
}

function describeError(err) {
  return `${grpc.status[err.code] || 'error'}: ${err.details || err.message}`;
}

function logFailure(what, err) {
  console.error(`${what} failed: ${describeError(err)}`);
}

async function handleAsk(req, res, client, config) {
  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch (err) {
    const status = err.httpStatus || 400;
    sendJson(res, status, { error: status === 413 ? 'That message is too long.' : 'Bad request.' });
    return;
  }
  const answered = await answerMessage(
    (method, request, deadlineMs) => call(client, method, request, deadlineMs),
    body && body.message,
    body && body.context,
    { deadlineMs: config.deadlineMs, log: logFailure },
  );
  sendJson(res, answered.httpStatus, answered.body);
}

async function handlePost(res, client, config, id) {
  const found = await lookUpPost((method, request, deadlineMs) => call(client, method, request, deadlineMs), id, {
    deadlineMs: config.deadlineMs,
    log: logFailure,
  });
  sendJson(res, found.httpStatus, found.body);
}

// What the page reads as its configuration (public/guru-http.js, readConfig).
function pageConfig(config, token) {
  if (!config.guruHttp) return { mode: 'backend', deadlineMs: config.deadlineMs };
  const page = { mode: 'direct', guru: config.guruHttp, deadlineMs: config.deadlineMs };
  if (token) page.token = token;
  return page;
}

// The chatbot's HTTP server: `client` is a GuruSearch gRPC client, or null in
// direct mode (config.guruHttp), where `token` (optional) goes to the page.
function createServer(client, config, token = '') {
  const publicDir = path.join(__dirname, 'public');
  const headers = securityHeaders(config);
  const direct = Boolean(config.guruHttp);
  return http.createServer((req, res) => {
    res.securityHeaders = headers;
    const url = new URL(req.url, 'http://localhost');
    const done = (err) => {
      console.error(`request failed: ${err && err.message}`);
      send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
    };
    if (url.pathname === '/config.json' && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, 200, pageConfig(config, token));
      return;
    }
    if (direct && url.pathname.startsWith('/api/')) {
      // Nothing is proxied: the page calls guru-server itself.
      sendJson(res, 404, { error: `Direct mode: the page calls guru-server at ${config.guruHttp} itself.` });
      return;
    }
    if (url.pathname === '/api/ask') {
      if (req.method !== 'POST') {
        send(res, 405, 'text/plain; charset=utf-8', 'Use POST');
        return;
      }
      handleAsk(req, res, client, config).catch(done);
      return;
    }
    if (url.pathname === '/api/post') {
      if (req.method !== 'GET') {
        send(res, 405, 'text/plain; charset=utf-8', 'Use GET');
        return;
      }
      handlePost(res, client, config, url.searchParams.get('id')).catch(done);
      return;
    }
    const file = STATIC_FILES[url.pathname];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      return;
    }
    fs.readFile(path.join(publicDir, file[0]), (err, data) =>
      err ? done(err) : send(res, 200, file[1], req.method === 'HEAD' ? undefined : data),
    );
  });
}

function main() {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  if (parsed.error) {
    console.error(`chatbot: ${parsed.error}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  let client = null;
  let token = '';
  if (config.guruHttp) {
    if (config.guruTokenFile) {
      try {
        token = readToken(config.guruTokenFile);
      } catch (err) {
        console.error(`chatbot: cannot read the token: ${err.message}`);
        process.exitCode = 1;
        return;
      }
    }
  } else {
    let GuruSearch;
    try {
      GuruSearch = loadSearchService(config.protoDir, config.googleapisDir);
    } catch (err) {
      console.error(`chatbot: cannot load the contract: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    client = new GuruSearch(config.guru, grpc.credentials.createInsecure());
  }
  const server = createServer(client, config, token);
  server.on('error', (err) => {
    console.error(`chatbot: cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    const upstream = config.guruHttp
      ? `direct mode: the page calls guru-server at ${config.guruHttp}`
      : `guru-server ${config.guru}`;
    console.log(`chatbot listening on http://${host}:${port} (${upstream})`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    if (client) client.close();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) main();

module.exports = { parseArgs, createServer, loadSearchService };
