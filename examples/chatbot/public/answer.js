// What the chatbot makes of guru-server's answers: the search request for a
// message and the person's earlier turns, the reply the page shows (safety
// first, then what was searched for, the best passage with its attribution
// and a confidence in words, the whole reply, other posts), a post opened on
// its own, and the calls that make a reply (answerMessage, lookUpPost) over
// any transport: the Node backend's gRPC client or, in the page's direct
// mode, guru-server's HTTP/JSON API (guru-http.js). No I/O of its own. The
// page puts every piece in the DOM as text (never as HTML), so nothing from a
// post can become markup.
//
// One file for Node and the browser, without a bundler: require() gets the
// functions as module.exports (lib/answer.js re-exports them), a <script>
// tag as the global `GuruAnswer`.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GuruAnswer = factory();
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
'use strict';

// SearchRequest.context: the server uses at most 10 earlier turns.
const MAX_CONTEXT_TURNS = 10;
// SearchRequest.query: at most 16 KiB of UTF-8 (the server checks this too).
const MAX_QUERY_BYTES = 16 * 1024;
// "Also" titles shown under an answer.
const MAX_OTHERS = 4;

const NO_ANSWER_TEXT = "I don't have a good answer for that yet.";
const ANSWERED_TEXT = 'This reply matches what you describe:';
const LOW_CONFIDENCE_TEXT = "I'm not sure this answers it, but this might help:";
// Under an emergency the replies come second, after getting help.
const AFTER_HELP_TEXT = 'Once you have help, this reply may also be useful:';

// What is shown for each safety level above everything else. `advice` is the
// deployment's text (guru-server --safety-advice); these defaults stand in
// when it has none for the level.
const SAFETY = {
  EMERGENCY: {
    title: 'This could be an emergency',
    advice: 'Call your local emergency number now, or go to the nearest emergency department.',
    signsLabel: 'What you described:',
  },
  CRISIS: {
    title: "I'm really sorry you're feeling like this.",
    message:
      "Thank you for telling me. What you're going through sounds really painful, and you deserve support right now from someone who can talk with you.",
    advice:
      "You don't have to go through this alone. If you might act on these thoughts, call your local emergency number now, or reach a crisis line.",
    signsLabel: '',
  },
  SEE_DOCTOR: {
    title: 'Worth seeing a doctor',
    advice: "This needs a doctor's opinion soon: please make an appointment.",
    signsLabel: 'Because you mentioned:',
  },
};

// Returns {request} or {error} for the person's `message` and `context`, their
// earlier messages newest first.
function buildSearchRequest(message, context, limit = 3) {
  if (typeof message !== 'string' || message.trim() === '') {
    return { error: 'Please type a question.' };
  }
  if (utf8Length(message) > MAX_QUERY_BYTES) {
    return { error: 'That message is too long; please describe the problem in fewer words.' };
  }
  const turns = Array.isArray(context) ? context : [];
  const kept = turns
    .filter((t) => typeof t === 'string' && t.trim() !== '')
    .slice(0, MAX_CONTEXT_TURNS)
    .map((t) => truncateUtf8(t, MAX_QUERY_BYTES));
  return { request: { query: message, limit, context: kept } };
}

// The length of a code point in UTF-8; a lone surrogate counts as U+FFFD
// (3 bytes), as Node's Buffer and the browser's TextEncoder write it.
function codePointBytes(ch) {
  const cp = ch.codePointAt(0);
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

// The length of `text` in UTF-8 bytes (Buffer.byteLength, which browsers lack).
function utf8Length(text) {
  let bytes = 0;
  for (const ch of text) bytes += codePointBytes(ch);
  return bytes;
}

// Cuts `text` to at most `maxBytes` bytes of UTF-8 without splitting a
// character.
function truncateUtf8(text, maxBytes) {
  if (utf8Length(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = codePointBytes(ch);
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

// A list item at the start of a line: "- ", "* ", "• " or "1. " / "1) ".
const LIST_ITEM = /^[ \t]*(?:[-*\u2022][ \t]+|\d+[.)][ \t]+)/;
const BULLET = /^[ \t]*[-*\u2022][ \t]+/;

// `text` with a line break in place of the space before each item of a list
// written on one line, as MedQuAD writes them ("Call 911 if your child: -
// Cannot walk - Has a seizure"): a " - " after the colon that introduces the
// list, after a full stop, or inside a sentence that is itself a list item
// ("2 - 3" is a range).
// The same rule guru-server's passages follow (src/core/passage.cc). One
// character replaces another, so code-point offsets into `text` still hold.
function breakInlineLists(text) {
  if (typeof text !== 'string' || !text.includes(' - ')) return text || '';
  const chars = text.split('');
  // Where the current unit (sentence or item) starts.
  let unit = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\n') {
      unit = i + 1;
    } else if ((c === '.' || c === '!' || c === '?') && /\s/.test(chars[i + 1] || '')) {
      unit = i + 1;
    } else if (c === '-' && chars[i - 1] === ' ' && chars[i + 1] === ' ' && /\S/.test(chars[i + 2] || '')) {
      let before = i - 1;
      while (before > unit && /\s/.test(chars[before - 1])) before--;
      if (before <= unit) {
        // An item right after a full stop ("- Fever. - Pain").
        if (i >= 2 && /[.!?]/.test(chars[i - 2])) {
          chars[i - 1] = '\n';
          unit = i;
        }
        continue;
      }
      const previous = chars[before - 1];
      if (/\d/.test(previous) && /\d/.test(chars[i + 2])) continue;
      const unitText = chars.slice(unit, before).join('');
      if (previous === ':' || LIST_ITEM.test(unitText)) {
        chars[i - 1] = '\n';
        unit = i;
      }
    }
  }
  return chars.join('');
}

// The passage as [{text, mark}] pieces. Offsets in `passage.span` and
// `passage.highlights` are Unicode code points into `answer` (not UTF-16 units,
// as JavaScript strings count), so the answer is split into code points first.
// Spans outside the passage are clipped, overlapping ones merged, invalid ones
// ignored. Without a usable span the passage text is shown unmarked, and
// without a passage, `fallback` (the snippet). List items written on one line
// are put on lines of their own (breakInlineLists).
function passagePieces(answer, passage, fallback = '') {
  const points = Array.from(breakInlineLists(typeof answer === 'string' ? answer : ''));
  if (!passage || !isSpan(passage.span, points.length)) {
    const text = passage && passage.text ? passage.text : fallback;
    return text ? [{ text: breakInlineLists(text), mark: false }] : [];
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

// The whole answer as blocks for "Read the full reply": paragraphs
// ({type: 'p', text}, line breaks kept) and lists ({type: 'list', items,
// numbered}). Bullets ("- ", "* ", "• ") are left to the list's own marks;
// numbers stay in the text. An indented line under an item continues it.
function answerBlocks(answer) {
  const text = breakInlineLists(typeof answer === 'string' ? answer : '').replace(/\r\n?/g, '\n');
  const blocks = [];
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    let current = null;
    for (const line of paragraph.split('\n')) {
      if (line.trim() === '') continue;
      if (LIST_ITEM.test(line)) {
        const bullet = BULLET.test(line);
        if (!current || current.type !== 'list' || current.numbered === bullet) {
          current = { type: 'list', items: [], numbered: !bullet };
          blocks.push(current);
        }
        current.items.push(bullet ? line.replace(BULLET, '').trim() : line.trim());
      } else if (current && current.type === 'list' && /^[ \t]/.test(line)) {
        current.items[current.items.length - 1] += `\n${line.trim()}`;
      } else if (current && current.type === 'p') {
        current.text += `\n${line.trim()}`;
      } else {
        current = { type: 'p', text: line.trim() };
        blocks.push(current);
      }
    }
  }
  return blocks;
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

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

// "2019-05-20" as "20 May 2019"; anything else as it is.
function formatDate(date) {
  if (typeof date !== 'string') return '';
  const m = date.trim().match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return date.trim();
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return date.trim();
  return `${day} ${MONTHS[month - 1]} ${m[1]}`;
}

// Who wrote the reply and when, as the post says: "From CancerGov, 20 May
// 2019", "From CancerGov", "20 May 2019" or ''. Never credited to anyone the
// post does not name.
function attribution(post) {
  const expert = typeof (post && post.expert) === 'string' ? post.expert.trim() : '';
  const date = formatDate((post && (post.answered_on || post.asked_on)) || '');
  if (expert && date) return `From ${expert}, ${date}`;
  if (expert) return `From ${expert}`;
  return date;
}

// The confidence in words a person reads; the number goes in the tooltip.
function confidenceWords(confidence) {
  const c = Math.min(1, Math.max(0, toNumber(confidence)));
  if (c >= 0.7) return 'good match';
  if (c >= 0.4) return 'likely match';
  if (c >= 0.15) return 'might help';
  return 'long shot';
}

function confidenceTitle(confidence) {
  const percent = Math.round(Math.min(1, Math.max(0, toNumber(confidence))) * 100);
  return `Confidence ${percent}%: of replies rated like this, about ${percent} in 100 answer the question.`;
}

// What the page shows of a post: its title, source and attribution, the
// person's question and the whole answer as blocks.
function describePost(post) {
  const p = post || {};
  const date = p.answered_on || p.asked_on || '';
  return {
    id: p.id || '',
    title: p.title || p.id || '',
    url: safeUrl(p.url),
    expert: p.expert || '',
    date,
    dateText: formatDate(date),
    attribution: attribution(p),
    category: p.category || '',
    question: p.question || '',
    full: answerBlocks(p.answer),
  };
}

// What the page shows for one result.
function describeResult(result) {
  const confidence = Math.min(1, Math.max(0, toNumber(result.confidence)));
  return {
    ...describePost(result.post),
    passage: passagePieces((result.post || {}).answer, result.passage, result.snippet || ''),
    confidence,
    confidenceWords: confidenceWords(confidence),
    confidenceTitle: confidenceTitle(confidence),
  };
}

function titleKey(title) {
  return String(title || '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// The "Also" posts: `posts` ({id, title, url}) in order, without the answer
// itself and without repeats by id or by title (case and punctuation aside),
// at most MAX_OTHERS.
function dedupeOthers(answer, posts) {
  const ids = new Set();
  const titles = new Set();
  if (answer) {
    if (answer.id) ids.add(answer.id);
    if (titleKey(answer.title)) titles.add(titleKey(answer.title));
  }
  const out = [];
  for (const post of posts) {
    if (!post || !post.id || !post.title) continue;
    const key = titleKey(post.title);
    if (ids.has(post.id) || (key && titles.has(key))) continue;
    ids.add(post.id);
    if (key) titles.add(key);
    out.push({ id: post.id, title: post.title, url: safeUrl(post.url) });
    if (out.length === MAX_OTHERS) break;
  }
  return out;
}

// SafetyLevel as proto-loader gives it (enum name, or number) in short form:
// 'NONE', 'SEE_DOCTOR', 'EMERGENCY' or 'CRISIS'; '' when unknown.
function safetyLevel(level) {
  const byNumber = { 1: 'NONE', 2: 'SEE_DOCTOR', 3: 'EMERGENCY', 4: 'CRISIS' };
  if (typeof level === 'number') return byNumber[level] || '';
  if (typeof level !== 'string') return '';
  const name = level.replace(/^SAFETY_LEVEL_/, '');
  return ['NONE', 'SEE_DOCTOR', 'EMERGENCY', 'CRISIS'].includes(name) ? name : '';
}

// What the page shows above everything else for a guru.v1.Safety, or null
// when nothing urgent was recognised: {level, title, message, advice, signs,
// signsLabel}. The signs are the rules' plain descriptions, each once and
// none that another one contains; a crisis lists none (the warm message and
// the crisis line come first).
function describeSafety(safety) {
  const level = safetyLevel(safety && safety.level);
  const shown = SAFETY[level];
  if (!shown) return null;
  let signs = [];
  if (level !== 'CRISIS') {
    for (const sign of Array.isArray(safety.signs) ? safety.signs : []) {
      const description = sign && typeof sign.description === 'string' ? sign.description.trim() : '';
      if (description && !signs.includes(description)) signs.push(description);
    }
    // "chest pain" says nothing that "chest pain spreading to the arm" does
    // not: a description inside another one is left out.
    signs = signs.filter((d) => !signs.some((other) => other !== d && other.toLowerCase().includes(d.toLowerCase())));
  }
  const advice = typeof safety.advice === 'string' && safety.advice.trim() ? safety.advice.trim() : shown.advice;
  return {
    level,
    title: shown.title,
    message: shown.message || '',
    advice,
    signs,
    signsLabel: signs.length ? shown.signsLabel : '',
  };
}

// What was searched for, to show as "Searching for: ...": the whole need of
// a follow-up ("fragile x syndrome — treatment"), else the spelling-corrected
// query; '' when neither.
function searchedFor(interpretation) {
  const i = interpretation || {};
  const use = i.context_use || {};
  if (use.kind === 'FOLLOW_UP' && typeof use.searched_for === 'string' && use.searched_for.trim()) {
    return use.searched_for.trim();
  }
  return typeof i.did_you_mean === 'string' ? i.did_you_mean.trim() : '';
}

// The reply for a SearchResponse (proto-loader object, enums as strings) and
// the posts related to its best result (RelatedResponse.results, optional):
// {status, safety, searchedFor, text, answer, others, secondary}.
// `status` is ANSWERED, LOW_CONFIDENCE or NO_MATCH. A response without an
// answer status (a server older than the field) is shown hedged, as
// LOW_CONFIDENCE, when it has results. Under a crisis only an ANSWERED reply
// is shown, and never the no-answer text; under an emergency or a crisis the
// results are `secondary` (shown below the safety banner, smaller).
function buildReply(response, related = []) {
  const results = Array.isArray(response && response.results) ? response.results : [];
  let status = response && response.answer_status;
  if (results.length === 0) status = 'NO_MATCH';
  if (status !== 'ANSWERED' && status !== 'LOW_CONFIDENCE' && status !== 'NO_MATCH') {
    status = 'LOW_CONFIDENCE';
  }
  const safety = describeSafety(response && response.safety);
  const urgent = safety !== null && (safety.level === 'EMERGENCY' || safety.level === 'CRISIS');
  const reply = {
    status,
    safety,
    searchedFor: searchedFor(response && response.interpretation),
    text: '',
    answer: null,
    others: [],
    secondary: urgent,
  };
  if (status === 'NO_MATCH' || (safety && safety.level === 'CRISIS' && status !== 'ANSWERED')) {
    // The banner says what matters; "no good answer" would read as a
    // dismissal under it.
    reply.text = urgent ? '' : NO_ANSWER_TEXT;
    return reply;
  }
  const [best, ...rest] = results;
  reply.answer = describeResult(best);
  if (urgent) reply.text = AFTER_HELP_TEXT;
  else reply.text = status === 'ANSWERED' ? ANSWERED_TEXT : LOW_CONFIDENCE_TEXT;
  const relatedPosts = (Array.isArray(related) ? related : []).map((r) => r && r.post);
  reply.others = dedupeOthers(reply.answer, [...rest.map((r) => r && r.post), ...relatedPosts]);
  return reply;
}

// The reply when Search failed: the error a person can act on, after the
// safety assessment CheckSafety gave (or null when it failed too). Under a
// crisis the warm message and the crisis line stand alone.
function buildErrorReply(message, safety) {
  const shown = describeSafety(safety);
  return {
    status: 'error',
    safety: shown,
    searchedFor: '',
    text: shown && shown.level === 'CRISIS' ? '' : message,
    answer: null,
    others: [],
    secondary: false,
  };
}

// gRPC status codes (grpc.status) the chatbot tells apart.
const CODE = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

// A message a person can act on for a failed call, and the HTTP status for it.
// Details from the server are not shown; `err.hint`, a sentence the caller
// wrote itself (the page in direct mode: which origin guru-server refused),
// follows the message of a refused call.
function friendlyError(err) {
  const code = err && typeof err.code === 'number' ? err.code : -1;
  const hint = err && typeof err.hint === 'string' && err.hint ? ` ${err.hint}` : '';
  if (code === CODE.PERMISSION_DENIED) {
    return { httpStatus: 403, message: `This page isn't allowed to use the Guru's search service.${hint}` };
  }
  if (code === CODE.UNAUTHENTICATED) {
    return {
      httpStatus: 401,
      message: `The chatbot couldn't sign in to the Guru's search service (its access token is missing or wrong).${hint}`,
    };
  }
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
  if (code === CODE.NOT_FOUND) {
    return { httpStatus: 404, message: 'That reply is no longer available.' };
  }
  return { httpStatus: 502, message: 'Something went wrong while searching. Please try again.' };
}

// Deadline of the calls that only add to a reply (Related) or stand in for a
// failed search (CheckSafety); at most the search deadline.
const SIDE_CALL_MS = 3000;
// Posts like the best one, for the "Also" titles.
const RELATED_LIMIT = 4;
// The longest post id asked for.
const MAX_ID_LENGTH = 1024;

function ignore() {}

// The reply to the person's `message` (their earlier messages, newest first,
// in `context`), by way of `call(method, request, deadlineMs)`: a function
// that calls guru-server's GuruSearch `method` ('Search', 'Related',
// 'CheckSafety', 'GetPost') with `request` and resolves with the response, its
// fields snake_case and enums as names (as proto-loader with keepCase gives
// them, and as fromJson makes of the HTTP/JSON ones), or rejects with an error
// whose `code` is the gRPC status code. Search first; for an ANSWERED reply
// Related adds posts like the best one; when Search fails CheckSafety, which
// needs no index, still tells of an emergency. `log(what, err)` hears of each
// failed call. Resolves {httpStatus, body}: the reply (buildReply), or
// {error, reply} when Search failed, or {error} for a message that cannot be
// searched; never rejects because a call failed.
async function answerMessage(call, message, context, options = {}) {
  const deadlineMs = options.deadlineMs || 10000;
  const log = options.log || ignore;
  const { request, error } = buildSearchRequest(message, context);
  if (error) return { httpStatus: 400, body: { error } };
  const sideMs = Math.min(SIDE_CALL_MS, deadlineMs);
  let response;
  try {
    response = await call('Search', request, deadlineMs);
  } catch (err) {
    const friendly = friendlyError(err);
    log('search', err);
    // The safety assessment needs no index: an emergency is still shown.
    let safety = null;
    if (!err || err.code !== CODE.INVALID_ARGUMENT) {
      try {
        safety = await call('CheckSafety', { query: request.query, context: request.context }, sideMs);
      } catch (safetyErr) {
        log('safety check', safetyErr);
      }
    }
    return {
      httpStatus: friendly.httpStatus,
      body: { error: friendly.message, reply: buildErrorReply(friendly.message, safety) },
    };
  }
  const best = response && response.results && response.results[0] && response.results[0].post;
  let more = [];
  // Posts like the best one only add to a reply: none when the call fails.
  if (best && best.id && response.answer_status === 'ANSWERED') {
    try {
      const related = await call('Related', { id: best.id, limit: RELATED_LIMIT }, sideMs);
      more = (related && related.results) || [];
    } catch (err) {
      log('related', err);
    }
  }
  return { httpStatus: 200, body: buildReply(response, more) };
}

// A post opened on its own (GetPost by way of `call`, as answerMessage's):
// {httpStatus, body}, the body describePost's or {error}.
async function lookUpPost(call, id, options = {}) {
  const deadlineMs = options.deadlineMs || 10000;
  const log = options.log || ignore;
  if (typeof id !== 'string' || !id || id.length > MAX_ID_LENGTH) {
    return { httpStatus: 400, body: { error: 'Bad request.' } };
  }
  try {
    return { httpStatus: 200, body: describePost(await call('GetPost', { id }, deadlineMs)) };
  } catch (err) {
    const friendly = friendlyError(err);
    log('get post', err);
    return { httpStatus: friendly.httpStatus, body: { error: friendly.message } };
  }
}

// Copies `value` with each object key renamed by `rename`. The guru.v1
// messages have no map fields, so every key is a field name.
function renameKeys(value, rename) {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) out[rename(key)] = renameKeys(v, rename);
  return out;
}

// A message in protobuf's JSON mapping (lowerCamelCase names, as guru-server's
// HTTP/JSON API answers) with the proto's own field names, as the functions
// above read them: answerStatus -> answer_status.
function fromJson(value) {
  return renameKeys(value, (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
}

// The other way, for a request: page_size -> pageSize.
function toJson(value) {
  return renameKeys(value, (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()));
}

return {
  CODE,
  MAX_CONTEXT_TURNS,
  RELATED_LIMIT,
  SIDE_CALL_MS,
  MAX_OTHERS,
  NO_ANSWER_TEXT,
  answerBlocks,
  answerMessage,
  attribution,
  breakInlineLists,
  buildErrorReply,
  buildReply,
  buildSearchRequest,
  confidenceTitle,
  confidenceWords,
  dedupeOthers,
  describePost,
  describeSafety,
  formatDate,
  friendlyError,
  fromJson,
  lookUpPost,
  passagePieces,
  safeUrl,
  searchedFor,
  toJson,
  truncateUtf8,
  utf8Length,
};
});
