'use strict';
// What the chatbot makes of a guru.v1.SearchResponse, with no I/O: the search
// request for a message and the person's earlier turns, the reply the page
// shows, and the passage cut into plain and highlighted pieces. The page puts
// every piece in the DOM as text (never as HTML), so nothing from a post can
// become markup.

// SearchRequest.context: the server uses at most 10 earlier turns.
const MAX_CONTEXT_TURNS = 10;
// SearchRequest.query: at most 16 KiB of UTF-8 (the server checks this too).
const MAX_QUERY_BYTES = 16 * 1024;

const NO_ANSWER_TEXT = "I don't have a good answer for that yet.";

// Returns {request} or {error} for the person's `message` and `context`, their
// earlier messages newest first.
function buildSearchRequest(message, context, limit = 3) {
  if (typeof message !== 'string' || message.trim() === '') {
    return { error: 'Please type a question.' };
  }
  if (Buffer.byteLength(message, 'utf8') > MAX_QUERY_BYTES) {
    return { error: 'That message is too long; please describe the problem in fewer words.' };
  }
  const turns = Array.isArray(context) ? context : [];
  const kept = turns
    .filter((t) => typeof t === 'string' && t.trim() !== '')
    .slice(0, MAX_CONTEXT_TURNS)
    .map((t) => truncateUtf8(t, MAX_QUERY_BYTES));
  return { request: { query: message, limit, context: kept } };
}

// Cuts `text` to at most `maxBytes` bytes of UTF-8 without splitting a
// character.
function truncateUtf8(text, maxBytes) {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

function isSpan(span, length) {
  return (
    span != null &&
    Number.isInteger(span.start) &&
    Number.isInteger(span.end) &&
    span.start >= 0 &&
    span.start < span.end &&
    span.end <= length
  );
}

// The passage as [{text, mark}] pieces. Offsets in `passage.span` and
// `passage.highlights` are Unicode code points into `answer` (not UTF-16 units,
// as JavaScript strings count), so the answer is split into code points first.
// Spans outside the passage are clipped, overlapping ones merged, invalid ones
// ignored. Without a usable span the passage text is shown unmarked, and
// without a passage, `fallback` (the snippet).
function passagePieces(answer, passage, fallback = '') {
  const points = Array.from(typeof answer === 'string' ? answer : '');
  if (!passage || !isSpan(passage.span, points.length)) {
    const text = passage && passage.text ? passage.text : fallback;
    return text ? [{ text, mark: false }] : [];
  }
  const { start, end } = passage.span;
  const marks = (Array.isArray(passage.highlights) ? passage.highlights : [])
    .filter((h) => isSpan(h, points.length))
    .map((h) => ({ start: Math.max(h.start, start), end: Math.min(h.end, end) }))
    .filter((h) => h.start < h.end)
    .sort((a, b) => a.start - b.start);
  const merged = [];
  for (const h of marks) {
    const last = merged[merged.length - 1];
    if (last && h.start <= last.end) {
      last.end = Math.max(last.end, h.end);
    } else {
      merged.push({ ...h });
    }
  }
  const pieces = [];
  let at = start;
  for (const h of merged) {
    if (h.start > at) pieces.push({ text: points.slice(at, h.start).join(''), mark: false });
    pieces.push({ text: points.slice(h.start, h.end).join(''), mark: true });
    at = h.end;
  }
  if (at < end) pieces.push({ text: points.slice(at, end).join(''), mark: false });
  return pieces;
}

// Only http(s) links are shown, so a post's url cannot run script.
function safeUrl(url) {
  if (typeof url !== 'string' || url === '') return '';
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : '';
  } catch {
    return '';
  }
}

function toNumber(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

// What the page shows for one result.
function describeResult(result) {
  const post = result.post || {};
  return {
    id: post.id || '',
    title: post.title || post.id || '',
    date: post.answered_on || post.asked_on || '',
    url: safeUrl(post.url),
    category: post.category || '',
    expert: post.expert || '',
    question: post.question || '',
    passage: passagePieces(post.answer, result.passage, result.snippet || ''),
    confidence: Math.min(1, Math.max(0, toNumber(result.confidence))),
  };
}

// The reply for a SearchResponse (proto-loader object, enums as strings):
// {status, text, answer, others}. `status` is ANSWERED, LOW_CONFIDENCE or
// NO_MATCH. A response without an answer status (a server older than the
// field) is shown hedged, as LOW_CONFIDENCE, when it has results.
function buildReply(response) {
  const results = Array.isArray(response && response.results) ? response.results : [];
  let status = response && response.answer_status;
  if (results.length === 0) status = 'NO_MATCH';
  if (status !== 'ANSWERED' && status !== 'LOW_CONFIDENCE' && status !== 'NO_MATCH') {
    status = 'LOW_CONFIDENCE';
  }
  if (status === 'NO_MATCH') {
    return { status, text: NO_ANSWER_TEXT, answer: null, others: [] };
  }
  const [best, ...rest] = results.map(describeResult);
  const text =
    status === 'ANSWERED'
      ? 'Here is what the Guru said:'
      : "I'm not sure this answers it, but this might help:";
  const interpretation = (response && response.interpretation) || {};
  return {
    status,
    text,
    answer: best,
    others: rest.map(({ id, title, url, confidence }) => ({ id, title, url, confidence })),
    didYouMean: interpretation.did_you_mean || '',
  };
}

module.exports = {
  MAX_CONTEXT_TURNS,
  NO_ANSWER_TEXT,
  buildSearchRequest,
  buildReply,
  passagePieces,
  safeUrl,
  truncateUtf8,
};

// gRPC status codes (grpc.status) the chatbot tells apart.
const CODE = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 };

// A message a person can act on for a failed call, and the HTTP status for it.
// Details from the server are not shown.
function friendlyError(err) {
  const code = err && typeof err.code === 'number' ? err.code : -1;
  if (code === CODE.UNAVAILABLE) {
    return {
      httpStatus: 503,
      message: "The Guru's search service isn't reachable right now. Please try again in a moment.",
    };
  }
  if (code === CODE.DEADLINE_EXCEEDED) {
    return { httpStatus: 504, message: 'The search took too long. Please try again.' };
  }
  if (code === CODE.INVALID_ARGUMENT) {
    return {
      httpStatus: 400,
      message: "I couldn't search for that; please rephrase your question.",
    };
  }
  return { httpStatus: 502, message: 'Something went wrong while searching. Please try again.' };
}

module.exports.friendlyError = friendlyError;
