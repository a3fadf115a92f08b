// The page's direct mode: guru-server's HTTP/JSON API (guru-server
// --http-listen) called from the browser with fetch, with no backend of the
// chatbot's own, and the page's configuration (which mode, which server).
//
// createHttpCall(options) makes the `call(method, request, deadlineMs)` that
// answer.js's answerMessage and lookUpPost take: Search is POST /v1/search,
// CheckSafety POST /v1/safety, GetPost GET /v1/posts/{id}, Related GET
// /v1/posts/{id}/related?limit=N; bodies and responses in protobuf's JSON
// mapping, turned into the proto's field names (fromJson). A failed call
// rejects with the gRPC code guru-server put in its error body
// ({"code", "status", "message"}). A call the browser refuses to make or
// finish (guru-server down, or this page's origin not among its
// --http-cors-origin, which fetch cannot tell apart) is told apart with a
// no-cors GET /healthz, which needs no CORS: it answers when the server is up,
// so the origin was refused (PERMISSION_DENIED, with a hint naming the
// origin); else UNAVAILABLE. Nothing waits longer than the deadline and a
// little grace: then DEADLINE_EXCEEDED.
//
// Loaded by Node's require() (the unit tests) and by a <script> tag after
// answer.js, as the global `GuruHttp`.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./answer.js'));
  else root.GuruHttp = factory(root.GuruAnswer);
})(typeof globalThis !== 'undefined' ? globalThis : this, function (answer) {
'use strict';

const { fromJson, toJson } = answer;

// gRPC codes used here beyond answer.js's CODE.
const UNKNOWN = 2;
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

// Default deadline of a search, as the Node backend's --deadline-ms.
const DEFAULT_DEADLINE_MS = 10000;
// How long past the deadline the page waits for guru-server's own answer.
const GRACE_MS = 2000;
// How long the /healthz probe after a refused call may take.
const PROBE_MS = 3000;

// The gRPC code for an error answer without guru-server's JSON error body
// (a proxy's page, say), from its HTTP status.
function codeForHttpStatus(status) {
  const byStatus = {
    400: INVALID_ARGUMENT,
    401: UNAUTHENTICATED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    429: RESOURCE_EXHAUSTED,
    500: INTERNAL,
    501: UNIMPLEMENTED,
    502: UNAVAILABLE,
    503: UNAVAILABLE,
    504: DEADLINE_EXCEEDED,
  };
  return byStatus[status] || UNKNOWN;
}

function callError(code, message, extra = {}) {
  return Object.assign(new Error(message), { code, details: message }, extra);
}

// The HTTP request for a GuruSearch method: {verb, path, body}.
function route(method, request) {
  const r = request || {};
  const id = encodeURIComponent(typeof r.id === 'string' ? r.id : '');
  switch (method) {
    case 'Search':
      return { verb: 'POST', path: '/v1/search', body: toJson(r) };
    case 'CheckSafety':
      return { verb: 'POST', path: '/v1/safety', body: toJson(r) };
    case 'GetPost':
      return { verb: 'GET', path: `/v1/posts/${id}` };
    case 'Related':
      return { verb: 'GET', path: `/v1/posts/${id}/related${r.limit ? `?limit=${Number(r.limit)}` : ''}` };
    default:
      throw new Error(`no HTTP route for ${method}`);
  }
}

// `call(method, request, deadlineMs)` over guru-server's HTTP/JSON API at
// `baseUrl` (e.g. http://127.0.0.1:8081), with `Authorization: Bearer token`
// when a token is given. `origin` is the page's, for the hint when it is
// refused; `fetch` is the browser's unless given (tests).
function createHttpCall(options) {
  const baseUrl = String(options.baseUrl).replace(/\/+$/, '');
  const token = options.token || '';
  const origin = options.origin || '';
  const fetchFn = options.fetch || ((...args) => globalThis.fetch(...args));
  const graceMs = options.graceMs !== undefined ? options.graceMs : GRACE_MS;
  const probeMs = options.probeMs !== undefined ? options.probeMs : PROBE_MS;

  // After fetch failed without an answer: is guru-server there at all?
  async function refusedOrDown() {
    try {
      await fetchFn(`${baseUrl}/healthz`, {
        mode: 'no-cors',
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(probeMs),
      });
    } catch {
      return callError(UNAVAILABLE, `guru-server at ${baseUrl} is not reachable`);
    }
    const hint =
      `(guru-server at ${baseUrl} does not accept calls from this page's origin${origin ? `, ${origin}` : ''}: ` +
      `start it with --http-cors-origin ${origin || 'ORIGIN'}.)`;
    return callError(PERMISSION_DENIED, `origin ${origin || '(unknown)'} not allowed by ${baseUrl}`, { hint });
  }

  return async function call(method, request, deadlineMs = DEFAULT_DEADLINE_MS) {
    const { verb, path, body } = route(method, request);
    const headers = { Accept: 'application/json', 'Grpc-Timeout': `${Math.max(1, Math.round(deadlineMs))}m` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetchFn(`${baseUrl}${path}`, {
        method: verb,
        headers,
        body: body !== undefined ? JSON.stringify(body) : undefined,
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(deadlineMs + graceMs),
      });
    } catch (err) {
      if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw callError(DEADLINE_EXCEEDED, `${method}: no answer within ${deadlineMs} ms`);
      }
      throw await refusedOrDown();
    }
    let json;
    try {
      json = await res.json();
    } catch (err) {
      if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw callError(DEADLINE_EXCEEDED, `${method}: no answer within ${deadlineMs} ms`);
      }
      json = undefined;
    }
    if (!res.ok) {
      const code = json && Number.isInteger(json.code) ? json.code : codeForHttpStatus(res.status);
      const message = json && typeof json.message === 'string' ? json.message : `HTTP ${res.status}`;
      throw callError(code, message, { httpStatus: res.status });
    }
    if (json === null || typeof json !== 'object') {
      throw callError(UNKNOWN, `${method}: the answer is not a JSON object`);
    }
    return fromJson(json);
  };
}

// A guru-server URL the page may call: http(s), with no query or fragment;
// '' when `text` is none.
function guruUrl(text) {
  if (typeof text !== 'string' || text.trim() === '') return '';
  let url;
  try {
    url = new URL(text.trim());
  } catch {
    return '';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) return '';
  return url.href.replace(/\/+$/, '');
}

// The page's configuration from config.json next to it (`file`, {} when there
// is none) and its query string (`search`, e.g. "?guru=http://127.0.0.1:8081"),
// the query winning:
//   mode        'backend' (the Node backend's /api/ask; the default) or
//               'direct' (guru-server's HTTP/JSON API from the browser)
//   guru        guru-server's HTTP/JSON URL (--http-listen); given alone it
//               means direct mode
//   token       bearer token for guru-server (--auth-token-file); config.json
//               only, never the query string, which ends up in history and logs
//   deadlineMs  deadline of a search (default 10000)
// Returns {mode, guru, token, deadlineMs} or {error}.
function readConfig(file, search) {
  const f = file && typeof file === 'object' ? file : {};
  const query = new URLSearchParams(search || '');
  const guruText = query.get('guru') !== null ? query.get('guru') : f.guru;
  let mode = query.get('mode') || f.mode || (guruText ? 'direct' : 'backend');
  if (query.get('guru') !== null && !query.get('mode')) mode = 'direct';
  if (mode !== 'backend' && mode !== 'direct') {
    return { error: `mode must be 'backend' or 'direct', not '${mode}'` };
  }
  const deadlineMs = f.deadlineMs === undefined ? DEFAULT_DEADLINE_MS : Number(f.deadlineMs);
  if (!Number.isInteger(deadlineMs) || deadlineMs <= 0) {
    return { error: `deadlineMs must be a positive number of milliseconds, not '${f.deadlineMs}'` };
  }
  if (mode === 'backend') return { mode, guru: '', token: '', deadlineMs };
  const guru = guruUrl(guruText);
  if (!guru) {
    return { error: `direct mode needs guru, guru-server's http(s) URL (--http-listen), not '${guruText || ''}'` };
  }
  const token = typeof f.token === 'string' ? f.token.trim() : '';
  return { mode, guru, token, deadlineMs };
}

return { DEFAULT_DEADLINE_MS, createHttpCall, guruUrl, readConfig, route };
});
