#!/usr/bin/env node
'use strict';
// The chatbot's backend: serves the page in public/, answers POST /api/ask by
// calling guru-server's Search (and Related, for more posts like the best
// one) over gRPC (@grpc/grpc-js, with the contract loaded at run time from
// proto/guru/v1/search.proto), and GET /api/post?id=ID by calling GetPost.
// When Search fails it still asks CheckSafety, which needs no index, so that
// an emergency or a crisis is shown even while the index is unavailable.
//
//   node server.js [--guru HOST:PORT] [--host ADDR] [--port N] [--deadline-ms MS]
//
// Environment: GURU_SERVER, CHATBOT_HOST, CHATBOT_PORT, GURU_DEADLINE_MS; flags
// win. Listens on 127.0.0.1:8080 by default; --port 0 picks a free port. Once
// listening it prints `chatbot listening on http://HOST:PORT` on stdout.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const {
  CODE,
  buildErrorReply,
  buildReply,
  buildSearchRequest,
  describePost,
  friendlyError,
} = require('./lib/answer');

const USAGE = `usage: node server.js [--guru HOST:PORT] [--host ADDR] [--port N] [--deadline-ms MS]
  --guru         guru-server address (GURU_SERVER; default 127.0.0.1:50051)
  --host         address to listen on (CHATBOT_HOST; default 127.0.0.1)
  --port         port to listen on, 0 for a free one (CHATBOT_PORT; default 8080)
  --deadline-ms  deadline of each search call (GURU_DEADLINE_MS; default 10000)
  --proto-dir    directory holding guru/v1/search.proto (default ../../proto)`;

// Largest request body accepted on /api/ask.
const MAX_BODY_BYTES = 64 * 1024;
// Deadline of the calls that only add to a reply (Related) or stand in for a
// failed search (CheckSafety); at most the search deadline.
const SIDE_CALL_MS = 3000;
// Posts like the best one, for the "Also" titles.
const RELATED_LIMIT = 4;

function parseArgs(argv, env) {
  const config = {
    guru: env.GURU_SERVER || '127.0.0.1:50051',
    host: env.CHATBOT_HOST || '127.0.0.1',
    port: env.CHATBOT_PORT !== undefined ? env.CHATBOT_PORT : '8080',
    deadlineMs: env.GURU_DEADLINE_MS || '10000',
    protoDir: path.resolve(__dirname, '..', '..', 'proto'),
  };
  const flags = {
    '--guru': 'guru',
    '--host': 'host',
    '--port': 'port',
    '--deadline-ms': 'deadlineMs',
    '--proto-dir': 'protoDir',
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
  return { config: { ...config, port, deadlineMs } };
}

function loadSearchService(protoDir) {
  const definition = protoLoader.loadSync('guru/v1/search.proto', {
    includeDirs: [protoDir],
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
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function send(res, status, type, body) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
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

// Posts like `id`, or none when the call fails (they only add to a reply).
async function related(client, id, deadlineMs) {
  if (!id) return [];
  try {
    const response = await call(client, 'Related', { id, limit: RELATED_LIMIT }, deadlineMs);
    return response.results || [];
  } catch (err) {
    console.error(`related failed: ${describeError(err)}`);
    return [];
  }
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
  const { request, error } = buildSearchRequest(body && body.message, body && body.context);
  if (error) {
    sendJson(res, 400, { error });
    return;
  }
  const sideMs = Math.min(SIDE_CALL_MS, config.deadlineMs);
  let response;
  try {
    response = await call(client, 'Search', request, config.deadlineMs);
  } catch (err) {
    const friendly = friendlyError(err);
    console.error(`search failed: ${describeError(err)}`);
    // The safety assessment needs no index: an emergency is still shown.
    let safety = null;
    if (err.code !== CODE.INVALID_ARGUMENT) {
      try {
        safety = await call(client, 'CheckSafety', { query: request.query, context: request.context }, sideMs);
      } catch (safetyErr) {
        console.error(`safety check failed: ${describeError(safetyErr)}`);
      }
    }
    sendJson(res, friendly.httpStatus, { error: friendly.message, reply: buildErrorReply(friendly.message, safety) });
    return;
  }
  const best = response.results && response.results[0] && response.results[0].post;
  const more = best && response.answer_status === 'ANSWERED' ? await related(client, best.id, sideMs) : [];
  sendJson(res, 200, buildReply(response, more));
}

async function handlePost(res, client, config, id) {
  if (!id || id.length > 1024) {
    sendJson(res, 400, { error: 'Bad request.' });
    return;
  }
  try {
    sendJson(res, 200, describePost(await call(client, 'GetPost', { id }, config.deadlineMs)));
  } catch (err) {
    const friendly = friendlyError(err);
    console.error(`get post failed: ${describeError(err)}`);
    sendJson(res, friendly.httpStatus, { error: friendly.message });
  }
}

function createServer(client, config) {
  const publicDir = path.join(__dirname, 'public');
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const done = (err) => {
      console.error(`request failed: ${err && err.message}`);
      send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
    };
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
  const GuruSearch = loadSearchService(config.protoDir);
  const client = new GuruSearch(config.guru, grpc.credentials.createInsecure());
  const server = createServer(client, config);
  server.on('error', (err) => {
    console.error(`chatbot: cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    console.log(`chatbot listening on http://${host}:${port} (guru-server ${config.guru})`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    client.close();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) main();

module.exports = { parseArgs, createServer, loadSearchService };
