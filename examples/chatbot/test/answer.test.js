'use strict';
// Unit tests of the chatbot's pure logic: search requests, replies, passage
// pieces with code-point offsets, links, error messages, flags.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  MAX_OTHERS,
  NO_ANSWER_TEXT,
  answerBlocks,
  attribution,
  breakInlineLists,
  buildErrorReply,
  buildReply,
  buildSearchRequest,
  confidenceTitle,
  confidenceWords,
  describePost,
  describeSafety,
  formatDate,
  friendlyError,
  passagePieces,
  safeUrl,
  searchedFor,
  truncateUtf8,
} = require('../lib/answer');
const { parseArgs, createServer } = require('../server');

test('the request carries the message and the earlier turns, newest first, at most 10', () => {
  const turns = Array.from({ length: 12 }, (_, i) => `turn ${12 - i}`);
  const { request } = buildSearchRequest('my knee hurts', turns);
  assert.equal(request.query, 'my knee hurts');
  assert.deepEqual(request.context, turns.slice(0, 10));
  assert.equal(request.context[0], 'turn 12');
});

test('blank turns and non-strings are dropped from the context', () => {
  const { request } = buildSearchRequest('q', ['a', '  ', 7, null, 'b']);
  assert.deepEqual(request.context, ['a', 'b']);
  assert.deepEqual(buildSearchRequest('q', 'not a list').request.context, []);
});

test('an empty, blank or missing message is refused before any call', () => {
  for (const message of ['', '   \n', undefined, 42]) {
    assert.match(buildSearchRequest(message, []).error, /type a question/);
  }
  assert.match(buildSearchRequest('x'.repeat(16 * 1024 + 1), []).error, /too long/);
});

test('truncation never splits a character', () => {
  assert.equal(truncateUtf8('añb', 2), 'a');
  assert.equal(truncateUtf8('añb', 3), 'añ');
  assert.equal(truncateUtf8('😀😀', 7), '😀');
});

test('highlights are code-point offsets into the answer, clipped to the passage', () => {
  // "😀" is one code point but two UTF-16 units: offsets after it must not shift.
  const answer = 'Intro. 😀 Your knee hurts after running. End.';
  const start = Array.from(answer).indexOf('Y');
  const text = 'Your knee hurts after running.';
  const end = start + Array.from(text).length;
  const knee = start + 5;
  const pieces = passagePieces(answer, {
    text,
    span: { start, end },
    highlights: [
      { start: knee, end: knee + 4 },
      { start: start + 22, end: start + 29 },
      { start: 0, end: 5 }, // outside the passage
      { start: end - 2, end: end + 9 }, // runs past the passage: clipped
      { start: 9, end: 3 }, // invalid
    ],
  });
  assert.deepEqual(pieces, [
    { text: 'Your ', mark: false },
    { text: 'knee', mark: true },
    { text: ' hurts after ', mark: false },
    { text: 'running', mark: true },
    { text: '.', mark: false },
  ]);
});

test('overlapping highlights are merged', () => {
  const answer = 'knee pain';
  const pieces = passagePieces(answer, {
    span: { start: 0, end: 9 },
    highlights: [
      { start: 0, end: 4 },
      { start: 2, end: 6 },
    ],
  });
  assert.deepEqual(pieces, [
    { text: 'knee p', mark: true },
    { text: 'ain', mark: false },
  ]);
});

test('without a usable span the passage text, else the snippet, is shown unmarked', () => {
  assert.deepEqual(passagePieces('abc', { text: 'abc', span: { start: 0, end: 99 } }), [
    { text: 'abc', mark: false },
  ]);
  assert.deepEqual(passagePieces('abc', null, '...b...'), [{ text: '...b...', mark: false }]);
  assert.deepEqual(passagePieces('abc', null, ''), []);
});

test('markup in a post stays text', () => {
  const answer = '<img src=x onerror=alert(1)> rest';
  const pieces = passagePieces(answer, { span: { start: 0, end: 5 }, highlights: [{ start: 1, end: 4 }] });
  assert.deepEqual(pieces, [
    { text: '<', mark: false },
    { text: 'img', mark: true },
    { text: ' ', mark: false },
  ]);
});

test('only http and https links are kept', () => {
  assert.equal(safeUrl('https://example.org/p/1'), 'https://example.org/p/1');
  assert.equal(safeUrl('javascript:alert(1)'), '');
  assert.equal(safeUrl('data:text/html,x'), '');
  assert.equal(safeUrl('not a url'), '');
  assert.equal(safeUrl(undefined), '');
});

function result(id, confidence, extra = {}) {
  return {
    post: { id, title: `Title ${id}`, answer: 'The answer.', answered_on: '2019-05-21', url: '', ...extra },
    score: 1,
    snippet: 'The answer.',
    passage: { text: 'The answer.', span: { start: 0, end: 11 }, highlights: [{ start: 4, end: 10 }] },
    confidence,
  };
}

test('an answered response shows the best passage, its source and confidence', () => {
  const reply = buildReply({
    answer_status: 'ANSWERED',
    results: [result('a', 0.83, { url: 'https://example.org/a' }), result('b', 0.2)],
  });
  assert.equal(reply.status, 'ANSWERED');
  assert.equal(reply.answer.title, 'Title a');
  assert.equal(reply.answer.date, '2019-05-21');
  assert.equal(reply.answer.url, 'https://example.org/a');
  assert.equal(reply.answer.confidence, 0.83);
  assert.deepEqual(reply.answer.passage, [
    { text: 'The ', mark: false },
    { text: 'answer', mark: true },
    { text: '.', mark: false },
  ]);
  assert.deepEqual(
    reply.others.map((o) => o.id),
    ['b'],
  );
});

test('low confidence is hedged; no match says so and shows no post', () => {
  const low = buildReply({ answer_status: 'LOW_CONFIDENCE', results: [result('a', 0.1)] });
  assert.equal(low.status, 'LOW_CONFIDENCE');
  assert.match(low.text, /might help/);
  const none = buildReply({ answer_status: 'NO_MATCH', results: [] });
  assert.equal(none.status, 'NO_MATCH');
  assert.equal(none.text, NO_ANSWER_TEXT);
  assert.equal(none.answer, null);
});

test('no results is no match whatever the status; an unknown status is hedged', () => {
  assert.equal(buildReply({ answer_status: 'ANSWERED', results: [] }).status, 'NO_MATCH');
  assert.equal(buildReply({ results: [result('a', 0.9)] }).status, 'LOW_CONFIDENCE');
  assert.equal(buildReply({}).status, 'NO_MATCH');
});

test('confidence outside [0, 1] is clamped', () => {
  assert.equal(buildReply({ answer_status: 'ANSWERED', results: [result('a', 7)] }).answer.confidence, 1);
  assert.equal(buildReply({ answer_status: 'ANSWERED', results: [result('a', -1)] }).answer.confidence, 0);
});

test('gRPC failures become messages a person can act on', () => {
  assert.equal(friendlyError({ code: 14 }).httpStatus, 503);
  assert.match(friendlyError({ code: 14 }).message, /isn't reachable/);
  assert.equal(friendlyError({ code: 4 }).httpStatus, 504);
  assert.equal(friendlyError({ code: 3 }).httpStatus, 400);
  assert.equal(friendlyError({ code: 13, details: 'secret' }).httpStatus, 502);
  assert.doesNotMatch(friendlyError({ code: 13, details: 'secret' }).message, /secret/);
  assert.equal(friendlyError(new Error('x')).httpStatus, 502);
});

test('flags override the environment; loopback and 8080 by default; port 0 allowed', () => {
  assert.deepEqual(
    (({ guru, host, port, deadlineMs }) => ({ guru, host, port, deadlineMs }))(parseArgs([], {}).config),
    { guru: '127.0.0.1:50051', host: '127.0.0.1', port: 8080, deadlineMs: 10000 },
  );
  const env = { GURU_SERVER: 'a:1', CHATBOT_PORT: '9000', CHATBOT_HOST: '::1' };
  const { config } = parseArgs(['--guru', 'b:2', '--port=0'], env);
  assert.equal(config.guru, 'b:2');
  assert.equal(config.port, 0);
  assert.equal(config.host, '::1');
  assert.match(parseArgs(['--port', '70000'], {}).error, /port/);
  assert.match(parseArgs(['--bogus'], {}).error, /unknown/);
  assert.match(parseArgs(['--guru'], {}).error, /needs a value/);
  assert.ok(parseArgs(['--help'], {}).help);
});

// --- Safety ---------------------------------------------------------------

const SIGN = (code, description, turn = 0) => ({ code, description, turn, span: { start: 0, end: 4 } });

function safety(level, advice, signs = []) {
  return { level: `SAFETY_LEVEL_${level}`, advice, signs };
}

test('no safety, or level NONE, adds nothing to the reply', () => {
  for (const s of [undefined, null, {}, safety('NONE', ''), safety('UNSPECIFIED', 'x')]) {
    const reply = buildReply({ answer_status: 'ANSWERED', results: [result('a', 0.8)], safety: s });
    assert.equal(reply.safety, null);
    assert.equal(reply.secondary, false);
    assert.equal(reply.status, 'ANSWERED');
  }
  assert.equal(describeSafety(safety('NONE', 'Call 999')), null);
});

test('an emergency comes first with its advice and signs; the results are secondary', () => {
  const reply = buildReply({
    answer_status: 'ANSWERED',
    results: [result('a', 0.8), result('b', 0.3)],
    safety: safety('EMERGENCY', 'Call 999 now, or go to A&E.', [
      SIGN('cardiac.chest_pain_radiating', 'chest pain spreading to the arm'),
      SIGN('cardiac.sweating', 'sweating with chest pain'),
      SIGN('cardiac.chest_pain_radiating', 'chest pain spreading to the arm', 1),
      SIGN('cardiac.chest_pain', 'Chest pain'), // said better by the first
    ]),
  });
  assert.equal(reply.safety.level, 'EMERGENCY');
  assert.equal(reply.safety.advice, 'Call 999 now, or go to A&E.');
  assert.deepEqual(reply.safety.signs, ['chest pain spreading to the arm', 'sweating with chest pain']);
  assert.match(reply.safety.signsLabel, /described/);
  assert.match(reply.safety.title, /emergency/);
  assert.equal(reply.secondary, true);
  // The results are still there, below it.
  assert.equal(reply.answer.id, 'a');
  assert.deepEqual(reply.others.map((o) => o.id), ['b']);
  assert.doesNotMatch(reply.text, /Guru/);
});

test('an emergency without results shows no "no answer" text under the banner', () => {
  const reply = buildReply({ answer_status: 'NO_MATCH', results: [], safety: safety('EMERGENCY', 'Call 911') });
  assert.equal(reply.status, 'NO_MATCH');
  assert.equal(reply.text, '');
  assert.equal(reply.safety.advice, 'Call 911');
});

test('a crisis shows a warm message and the crisis line first, never the no-answer text', () => {
  const advice = 'You can talk to Samaritans any time, free on 116 123.';
  for (const status of ['NO_MATCH', 'LOW_CONFIDENCE']) {
    const reply = buildReply({
      answer_status: status,
      results: status === 'NO_MATCH' ? [] : [result('a', 0.1)],
      safety: safety('CRISIS', advice, [SIGN('mental.suicidal_intent', 'thoughts of suicide')]),
    });
    assert.equal(reply.safety.level, 'CRISIS');
    assert.equal(reply.safety.advice, advice);
    assert.match(reply.safety.title, /sorry/);
    assert.ok(reply.safety.message.length > 20);
    // The signs are not read back to the person.
    assert.deepEqual(reply.safety.signs, []);
    assert.equal(reply.text, '');
    assert.notEqual(reply.text, NO_ANSWER_TEXT);
    // A post that is not a good answer is not put under a crisis message.
    assert.equal(reply.answer, null);
    assert.deepEqual(reply.others, []);
  }
  const answered = buildReply({ answer_status: 'ANSWERED', results: [result('a', 0.9)], safety: safety('CRISIS', '') });
  assert.equal(answered.answer.id, 'a');
  assert.equal(answered.secondary, true);
  // Without the deployment's advice a default crisis line text stands in.
  assert.match(answered.safety.advice, /emergency number|crisis line/);
});

test('see-a-doctor is a note above an ordinary answer', () => {
  const reply = buildReply({
    answer_status: 'ANSWERED',
    results: [result('a', 0.8)],
    safety: safety('SEE_DOCTOR', 'Book an appointment with your GP.', [SIGN('breast.lump', 'a breast lump')]),
  });
  assert.equal(reply.safety.level, 'SEE_DOCTOR');
  assert.equal(reply.safety.advice, 'Book an appointment with your GP.');
  assert.deepEqual(reply.safety.signs, ['a breast lump']);
  assert.equal(reply.secondary, false);
  assert.equal(reply.answer.id, 'a');
  const none = buildReply({ answer_status: 'NO_MATCH', results: [], safety: safety('SEE_DOCTOR', 'See a GP.') });
  assert.equal(none.text, NO_ANSWER_TEXT);
});

test('safety levels may come as numbers too', () => {
  assert.equal(describeSafety({ level: 3, signs: [] }).level, 'EMERGENCY');
  assert.equal(describeSafety({ level: 4 }).level, 'CRISIS');
  assert.equal(describeSafety({ level: 1 }), null);
  assert.equal(describeSafety({ level: 'bogus' }), null);
});

test('when search fails the safety check still leads; a crisis hides the error', () => {
  const message = "The Guru's search service isn't reachable right now.";
  const plain = buildErrorReply(message, null);
  assert.equal(plain.status, 'error');
  assert.equal(plain.text, message);
  assert.equal(plain.safety, null);
  const emergency = buildErrorReply(message, safety('EMERGENCY', 'Call 999 now.'));
  assert.equal(emergency.safety.advice, 'Call 999 now.');
  assert.equal(emergency.text, message);
  const crisis = buildErrorReply(message, safety('CRISIS', 'Samaritans: 116 123.'));
  assert.equal(crisis.safety.level, 'CRISIS');
  assert.equal(crisis.text, '');
});

// --- What was searched for -------------------------------------------------

test('a follow-up shows the whole need searched for; otherwise the corrected query', () => {
  const followUp = {
    did_you_mean: '',
    context_use: { kind: 'FOLLOW_UP', topic: ['fragile', 'x', 'syndrome'], turn: 1, searched_for: 'fragile x syndrome — treatment' },
  };
  assert.equal(searchedFor(followUp), 'fragile x syndrome — treatment');
  assert.equal(
    buildReply({ answer_status: 'NO_MATCH', results: [], interpretation: followUp }).searchedFor,
    'fragile x syndrome — treatment',
  );
  assert.equal(
    searchedFor({ did_you_mean: 'my knee hurts', context_use: { kind: 'OWN_TOPIC', searched_for: 'ignored' } }),
    'my knee hurts',
  );
  assert.equal(searchedFor({ context_use: { kind: 'NO_CONTEXT' } }), '');
  assert.equal(searchedFor(undefined), '');
  assert.equal(buildReply({ answer_status: 'ANSWERED', results: [result('a', 0.9)] }).searchedFor, '');
});

// --- Attribution, the whole reply, confidence ---------------------------------

test('attribution names the post\'s expert and date, leaving out what is missing', () => {
  assert.equal(attribution({ expert: 'CancerGov', answered_on: '2019-05-20' }), 'From CancerGov, 20 May 2019');
  assert.equal(attribution({ expert: 'CancerGov', asked_on: '2019-01-02' }), 'From CancerGov, 2 January 2019');
  assert.equal(attribution({ expert: 'NIDDK' }), 'From NIDDK');
  assert.equal(attribution({ answered_on: '2020-12-31' }), '31 December 2020');
  assert.equal(attribution({}), '');
  assert.equal(formatDate('2019-13-01'), '2019-13-01');
  assert.equal(formatDate('May 2019'), 'May 2019');
  const reply = buildReply({
    answer_status: 'ANSWERED',
    results: [result('a', 0.8, { expert: 'GHR', answered_on: '', asked_on: '2018-03-04' })],
  });
  assert.equal(reply.answer.attribution, 'From GHR, 4 March 2018');
  assert.doesNotMatch(JSON.stringify(reply), /the Guru said/i);
});

test('the whole reply keeps paragraphs, list items and their line breaks', () => {
  const answer = 'Rest first.\nThen ice it.\n\nSee a doctor if you:\n- cannot walk\n- have a fever\n  that lasts\n\n1. Rest\n2. Ice';
  assert.deepEqual(answerBlocks(answer), [
    { type: 'p', text: 'Rest first.\nThen ice it.' },
    { type: 'p', text: 'See a doctor if you:' },
    { type: 'list', items: ['cannot walk', 'have a fever\nthat lasts'], numbered: false },
    { type: 'list', items: ['1. Rest', '2. Ice'], numbered: true },
  ]);
  // MedQuAD writes lists on one line.
  assert.deepEqual(answerBlocks('Call 911 if your child: - Cannot walk - Has a seizure'), [
    { type: 'p', text: 'Call 911 if your child:' },
    { type: 'list', items: ['Cannot walk', 'Has a seizure'], numbered: false },
  ]);
  assert.deepEqual(answerBlocks(''), []);
  assert.deepEqual(describePost({ id: 'x', answer: 'One.' }).full, [{ type: 'p', text: 'One.' }]);
});

test('lists written on one line are broken into lines without moving offsets', () => {
  const text = 'Call 911 if: - Cannot walk - Has a seizure. - Rash Then 2 - 3 days. Prose - dash.';
  const broken = breakInlineLists(text);
  assert.equal(broken, 'Call 911 if:\n- Cannot walk\n- Has a seizure.\n- Rash Then 2 - 3 days. Prose - dash.');
  assert.equal(Array.from(broken).length, Array.from(text).length);
  // A passage over such a list shows each item on its own line.
  const answer = 'Call 911 if your child: - Cannot walk - Has a seizure';
  const start = answer.indexOf('- Cannot');
  const pieces = passagePieces(answer, { span: { start, end: answer.length }, highlights: [] });
  assert.equal(pieces.map((p) => p.text).join(''), '- Cannot walk\n- Has a seizure');
});

test('confidence is in words a person reads, the number on hover', () => {
  assert.equal(confidenceWords(0.83), 'good match');
  assert.equal(confidenceWords(0.7), 'good match');
  assert.equal(confidenceWords(0.5), 'likely match');
  assert.equal(confidenceWords(0.2), 'might help');
  assert.equal(confidenceWords(0.05), 'long shot');
  assert.equal(confidenceWords('x'), 'long shot');
  assert.match(confidenceTitle(0.834), /83%/);
  const reply = buildReply({ answer_status: 'ANSWERED', results: [result('a', 0.83)] });
  assert.equal(reply.answer.confidenceWords, 'good match');
  assert.match(reply.answer.confidenceTitle, /^Confidence 83%/);
});

// --- "Also" ----------------------------------------------------------------------

test('"Also" posts come from the other results, then related posts, each once', () => {
  const related = [
    { post: { id: 'a', title: 'Title a' } }, // the answer itself
    { post: { id: 'b', title: 'Title b' } }, // already a result
    { post: { id: 'c', title: 'title A!' } }, // the answer's title again
    { post: { id: 'd', title: 'Knee pain' } },
    { post: { id: 'e', title: 'Knee  pain' } }, // same title, another id
    { post: { id: 'f', title: 'Shin splints' } },
    { post: { id: 'g', title: 'Tennis elbow' } },
    { post: { id: 'h', title: 'Heel pain' } },
    { post: { id: '', title: 'No id' } },
  ];
  const reply = buildReply(
    { answer_status: 'ANSWERED', results: [result('a', 0.9), result('b', 0.4), result('b', 0.3)] },
    related,
  );
  assert.deepEqual(reply.others.map((o) => o.id), ['b', 'd', 'f', 'g']);
  assert.equal(reply.others.length, MAX_OTHERS);
  assert.deepEqual(Object.keys(reply.others[0]).sort(), ['id', 'title', 'url']);
});

// --- The backend -------------------------------------------------------------------

// A fake GuruSearch client: each method answers from `answers` (a value, or
// an error object with `code`), and the requests are recorded.
function fakeClient(answers) {
  const calls = [];
  const client = {};
  for (const method of ['Search', 'CheckSafety', 'Related', 'GetPost']) {
    client[method] = (request, options, callback) => {
      calls.push({ method, request });
      const answer = answers[method];
      setImmediate(() => (answer && answer.code ? callback(answer) : callback(null, answer)));
    };
  }
  return { client, calls };
}

async function withServer(answers, fn) {
  const { client, calls } = fakeClient(answers);
  const server = createServer(client, { deadlineMs: 5000 });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const originalError = console.error;
  console.error = () => {};
  try {
    await fn(base, calls);
  } finally {
    console.error = originalError;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function ask(base, message, context = []) {
  return fetch(`${base}/api/ask`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message, context }),
  });
}

test('when Search is unavailable the backend asks CheckSafety and shows an emergency', async () => {
  const check = safety('EMERGENCY', 'Call 999 now.', [SIGN('cardiac.chest_pain_radiating', 'chest pain spreading to the arm')]);
  await withServer({ Search: { code: 14, details: 'index down' }, CheckSafety: check }, async (base, calls) => {
    const res = await ask(base, 'crushing chest pain', ['earlier']);
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.match(body.error, /isn't reachable/);
    assert.equal(body.reply.safety.level, 'EMERGENCY');
    assert.equal(body.reply.safety.advice, 'Call 999 now.');
    assert.deepEqual(calls.map((c) => c.method), ['Search', 'CheckSafety']);
    assert.deepEqual(calls[1].request, { query: 'crushing chest pain', context: ['earlier'] });
  });
});

test('when CheckSafety fails too, the plain error is shown', async () => {
  await withServer({ Search: { code: 14 }, CheckSafety: { code: 14 } }, async (base) => {
    const body = await (await ask(base, 'knee')).json();
    assert.equal(body.reply.safety, null);
    assert.equal(body.reply.status, 'error');
    assert.match(body.reply.text, /isn't reachable/);
  });
});

test('an answer brings related posts for "Also"; a post opens through /api/post', async () => {
  const response = {
    answer_status: 'ANSWERED',
    results: [result('a', 0.9)],
    safety: safety('NONE', ''),
    interpretation: {},
  };
  const post = { id: 'd', title: 'Knee pain', expert: 'The Guru', answered_on: '2019-05-20', answer: 'Rest.\n- ice\n- raise', question: 'Why?' };
  await withServer(
    { Search: response, Related: { results: [{ post: { id: 'd', title: 'Knee pain' } }] }, GetPost: post },
    async (base, calls) => {
      const reply = await (await ask(base, 'knee')).json();
      assert.deepEqual(reply.others, [{ id: 'd', title: 'Knee pain', url: '' }]);
      assert.deepEqual(calls[1], { method: 'Related', request: { id: 'a', limit: 4 } });
      const res = await fetch(`${base}/api/post?id=d`);
      assert.equal(res.status, 200);
      const shown = await res.json();
      assert.equal(shown.title, 'Knee pain');
      assert.equal(shown.attribution, 'From The Guru, 20 May 2019');
      assert.deepEqual(shown.full, [{ type: 'p', text: 'Rest.' }, { type: 'list', items: ['ice', 'raise'], numbered: false }]);
      assert.equal((await fetch(`${base}/api/post`)).status, 400);
    },
  );
  await withServer({ GetPost: { code: 5 } }, async (base) => {
    const res = await fetch(`${base}/api/post?id=gone`);
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /no longer available/);
  });
});

test('an invalid request, and a bad id, never call guru-server', async () => {
  await withServer({}, async (base, calls) => {
    assert.equal((await ask(base, '   ')).status, 400);
    assert.equal((await fetch(`${base}/api/post?id=${'x'.repeat(1025)}`)).status, 400);
    assert.deepEqual(calls, []);
  });
});

test('the backend serves the page, its scripts and a backend-mode config.json', async () => {
  await withServer({}, async (base) => {
    for (const file of ['/', '/app.js', '/answer.js', '/guru-http.js', '/style.css']) {
      const res = await fetch(`${base}${file}`);
      assert.equal(res.status, 200, file);
      assert.match(res.headers.get('content-security-policy'), /connect-src 'self';/);
    }
    assert.deepEqual(await (await fetch(`${base}/config.json`)).json(), { mode: 'backend', deadlineMs: 5000 });
  });
});

// --- Direct mode: answer.js in the browser, guru-http.js --------------------

const {
  answerMessage,
  fromJson,
  lookUpPost,
  toJson,
  utf8Length,
} = require('../lib/answer');
const { createHttpCall, guruUrl, readConfig, route } = require('../public/guru-http');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

test('answer.js and guru-http.js load from <script> tags, as globals, with no Node APIs', () => {
  // What a browser has: no require, module, Buffer or process.
  const context = vm.createContext({ URL, URLSearchParams, AbortSignal, console });
  for (const file of ['answer.js', 'guru-http.js']) {
    vm.runInContext(fs.readFileSync(path.join(__dirname, '..', 'public', file), 'utf8'), context, { filename: file });
  }
  const { GuruAnswer, GuruHttp } = context;
  assert.equal(typeof GuruAnswer.buildReply, 'function');
  assert.equal(typeof GuruAnswer.answerMessage, 'function');
  assert.equal(typeof GuruHttp.createHttpCall, 'function');
  const { request } = GuruAnswer.buildSearchRequest('knee ü 😀', ['x'.repeat(20000)]);
  assert.equal(GuruAnswer.utf8Length(request.context[0]), 16 * 1024);
  assert.equal(GuruAnswer.describePost({ url: 'javascript:alert(1)' }).url, '');
  // lib/answer.js is the same module.
  assert.equal(require('../lib/answer'), require('../public/answer.js'));
});

test('utf8Length counts as Buffer does, lone surrogates too', () => {
  for (const text of ['', 'abc', 'é', '€', '😀', 'a😀b€', '\ud800', 'x\udc00y']) {
    assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
  }
  assert.match(buildSearchRequest('a'.repeat(16 * 1024 + 1)).error, /too long/);
  assert.ok(buildSearchRequest('a'.repeat(16 * 1024)).request);
});

test('fromJson gives the JSON mapping the proto field names; toJson the other way', () => {
  const json = {
    answerStatus: 'ANSWERED',
    totalEstimate: '3',
    results: [{ post: { id: 'a', answeredOn: '2019-05-20', askedOn: '' }, passage: { span: { start: 0, end: 4 } } }],
    interpretation: { didYouMean: '', contextUse: { kind: 'FOLLOW_UP', searchedFor: 'knee — treatment' } },
    safety: { level: 'SAFETY_LEVEL_NONE', signs: [], advice: '' },
  };
  const proto = fromJson(json);
  assert.equal(proto.answer_status, 'ANSWERED');
  assert.equal(proto.total_estimate, '3');
  assert.equal(proto.results[0].post.answered_on, '2019-05-20');
  assert.equal(proto.interpretation.context_use.searched_for, 'knee — treatment');
  assert.deepEqual(toJson(proto), json);
  assert.deepEqual(toJson({ page_size: 2, page_token: 't', filter: { date_from: '2020' } }), {
    pageSize: 2,
    pageToken: 't',
    filter: { dateFrom: '2020' },
  });
  // The reply from the JSON mapping is the reply from proto-loader's objects.
  const response = {
    answerStatus: 'ANSWERED',
    results: [{ post: { id: 'a', title: 'Knee', expert: 'The Guru', answeredOn: '2019-05-20', answer: 'Rest it.' }, confidence: 0.8, passage: { text: 'Rest it.', span: { start: 0, end: 8 }, highlights: [{ start: 0, end: 4 }] } }],
    interpretation: { contextUse: { kind: 'FOLLOW_UP', searchedFor: 'knee — rest' } },
  };
  const reply = buildReply(fromJson(response));
  assert.equal(reply.answer.attribution, 'From The Guru, 20 May 2019');
  assert.equal(reply.searchedFor, 'knee — rest');
  assert.deepEqual(reply.answer.passage, [{ text: 'Rest', mark: true }, { text: ' it.', mark: false }]);
});

// A fake `call`: answers from `answers` (a value, or an error with `code`).
function fakeCall(answers) {
  const calls = [];
  const call = async (method, request, deadlineMs) => {
    calls.push({ method, request, deadlineMs });
    const answer = answers[method];
    if (answer && answer.code) throw answer;
    return answer;
  };
  return { call, calls };
}

test('answerMessage: Search, then Related for an ANSWERED reply, with the side deadline', async () => {
  const { call, calls } = fakeCall({
    Search: { answer_status: 'ANSWERED', results: [result('a', 0.9)] },
    Related: { results: [{ post: { id: 'r', title: 'Related one' } }] },
  });
  const { httpStatus, body } = await answerMessage(call, 'knee', ['earlier'], { deadlineMs: 8000 });
  assert.equal(httpStatus, 200);
  assert.equal(body.status, 'ANSWERED');
  assert.deepEqual(body.others, [{ id: 'r', title: 'Related one', url: '' }]);
  assert.deepEqual(calls, [
    { method: 'Search', request: { query: 'knee', limit: 3, context: ['earlier'] }, deadlineMs: 8000 },
    { method: 'Related', request: { id: 'a', limit: 4 }, deadlineMs: 3000 },
  ]);
});

test('answerMessage: a failed Related only loses the "Also" posts; LOW_CONFIDENCE asks no Related', async () => {
  const logged = [];
  const failing = fakeCall({ Search: { answer_status: 'ANSWERED', results: [result('a', 0.9)] }, Related: { code: 14 } });
  const answered = await answerMessage(failing.call, 'knee', [], { log: (what) => logged.push(what) });
  assert.equal(answered.httpStatus, 200);
  assert.deepEqual(logged, ['related']);
  const low = fakeCall({ Search: { answer_status: 'LOW_CONFIDENCE', results: [result('a', 0.2)] } });
  await answerMessage(low.call, 'knee', []);
  assert.deepEqual(low.calls.map((c) => c.method), ['Search']);
});

test('answerMessage: a failed Search still asks CheckSafety, except for INVALID_ARGUMENT', async () => {
  const check = safety('EMERGENCY', 'Call 999 now.');
  const down = fakeCall({ Search: { code: 14 }, CheckSafety: check });
  const failed = await answerMessage(down.call, 'chest pain', ['before']);
  assert.equal(failed.httpStatus, 503);
  assert.equal(failed.body.reply.safety.level, 'EMERGENCY');
  assert.deepEqual(down.calls[1], { method: 'CheckSafety', request: { query: 'chest pain', context: ['before'] }, deadlineMs: 3000 });
  const invalid = fakeCall({ Search: { code: 3 } });
  const rejected = await answerMessage(invalid.call, 'x', []);
  assert.equal(rejected.httpStatus, 400);
  assert.deepEqual(invalid.calls.map((c) => c.method), ['Search']);
  const empty = fakeCall({});
  assert.deepEqual(await answerMessage(empty.call, ' ', []), { httpStatus: 400, body: { error: 'Please type a question.' } });
  assert.deepEqual(empty.calls, []);
});

test('lookUpPost describes the post, or says why not', async () => {
  const { call } = fakeCall({ GetPost: { id: 'd', title: 'Knee', answer: 'Rest.' } });
  const found = await lookUpPost(call, 'd');
  assert.equal(found.httpStatus, 200);
  assert.equal(found.body.title, 'Knee');
  assert.deepEqual(await lookUpPost(call, ''), { httpStatus: 400, body: { error: 'Bad request.' } });
  const gone = await lookUpPost(fakeCall({ GetPost: { code: 5 } }).call, 'x');
  assert.equal(gone.httpStatus, 404);
});

test('refused and unauthenticated calls have messages of their own; the hint is the page\'s', () => {
  const refused = friendlyError({ code: 7, details: 'server detail', hint: '(start it with --http-cors-origin X.)' });
  assert.equal(refused.httpStatus, 403);
  assert.match(refused.message, /isn't allowed .*--http-cors-origin X/);
  assert.doesNotMatch(refused.message, /server detail/);
  assert.equal(friendlyError({ code: 16 }).httpStatus, 401);
});

test('routes: the HTTP/JSON API of each method', () => {
  assert.deepEqual(route('Search', { query: 'q', limit: 3, context: [] }), {
    verb: 'POST',
    path: '/v1/search',
    body: { query: 'q', limit: 3, context: [] },
  });
  assert.deepEqual(route('CheckSafety', { query: 'q', context: ['a'] }), { verb: 'POST', path: '/v1/safety', body: { query: 'q', context: ['a'] } });
  assert.deepEqual(route('GetPost', { id: 'a/b c' }), { verb: 'GET', path: '/v1/posts/a%2Fb%20c' });
  assert.deepEqual(route('Related', { id: 'a', limit: 4 }), { verb: 'GET', path: '/v1/posts/a/related?limit=4' });
  assert.throws(() => route('Nope', {}), /no HTTP route/);
});

// A fake fetch: `handler(url, init)` returns {status, json} or throws.
function fakeFetch(handler) {
  const requests = [];
  const fetchFn = async (url, init = {}) => {
    requests.push({ url, init });
    const answer = await handler(url, init);
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      json: async () => {
        if (answer.json === undefined) throw new SyntaxError('not JSON');
        return answer.json;
      },
    };
  };
  return { fetchFn, requests };
}

test('createHttpCall posts the JSON mapping with the token and deadline, and reads the answer back', async () => {
  const { fetchFn, requests } = fakeFetch(() => ({ status: 200, json: { answerStatus: 'NO_MATCH', results: [] } }));
  const call = createHttpCall({ baseUrl: 'http://guru:8081/', token: 'tok', fetch: fetchFn });
  const response = await call('Search', { query: 'q', limit: 3, context: [] }, 5000);
  assert.deepEqual(response, { answer_status: 'NO_MATCH', results: [] });
  const [{ url, init }] = requests;
  assert.equal(url, 'http://guru:8081/v1/search');
  assert.equal(init.method, 'POST');
  assert.deepEqual(JSON.parse(init.body), { query: 'q', limit: 3, context: [] });
  assert.equal(init.headers.Authorization, 'Bearer tok');
  assert.equal(init.headers['Content-Type'], 'application/json');
  assert.equal(init.headers['Grpc-Timeout'], '5000m');
  assert.equal(init.credentials, 'omit');
  const noToken = fakeFetch(() => ({ status: 200, json: {} }));
  await createHttpCall({ baseUrl: 'http://guru', fetch: noToken.fetchFn })('GetPost', { id: 'a' });
  assert.equal(noToken.requests[0].init.headers.Authorization, undefined);
  assert.equal(noToken.requests[0].init.headers['Content-Type'], undefined);
  assert.equal(noToken.requests[0].init.body, undefined);
});

test('createHttpCall rejects with the gRPC code of guru-server\'s error body, or of the HTTP status', async () => {
  const call = (status, json) =>
    createHttpCall({ baseUrl: 'http://guru', fetch: fakeFetch(() => ({ status, json })).fetchFn })('Search', { query: 'q' });
  await assert.rejects(call(404, { code: 5, status: 'NOT_FOUND', message: 'no post' }), { code: 5, message: 'no post' });
  await assert.rejects(call(401, { code: 16, status: 'UNAUTHENTICATED', message: 'token' }), { code: 16 });
  await assert.rejects(call(503, undefined), { code: 14 });
  await assert.rejects(call(504, undefined), { code: 4 });
  await assert.rejects(call(418, undefined), { code: 2 });
  await assert.rejects(call(200, undefined), { code: 2 });
});

test('a call the browser refuses: PERMISSION_DENIED when /healthz answers (the origin), else UNAVAILABLE', async () => {
  const refused = fakeFetch((url, init) => {
    if (init.mode === 'no-cors') return { status: 0 };
    throw new TypeError('Failed to fetch');
  });
  const call = createHttpCall({ baseUrl: 'http://guru:8081', origin: 'http://page:8000', fetch: refused.fetchFn });
  const err = await call('Search', { query: 'q' }).catch((e) => e);
  assert.equal(err.code, 7);
  assert.match(err.hint, /http:\/\/page:8000.*--http-cors-origin http:\/\/page:8000/);
  assert.equal(refused.requests[1].url, 'http://guru:8081/healthz');
  assert.match(friendlyError(err).message, /isn't allowed.*http:\/\/page:8000/);
  const down = fakeFetch(() => {
    throw new TypeError('Failed to fetch');
  });
  const gone = await createHttpCall({ baseUrl: 'http://guru', fetch: down.fetchFn })('Search', { query: 'q' }).catch((e) => e);
  assert.equal(gone.code, 14);
  assert.match(friendlyError(gone).message, /isn't reachable right now/);
});

test('a call that outlives its deadline is DEADLINE_EXCEEDED, not a hang', async () => {
  const slow = (url, init) =>
    new Promise((resolve, reject) => {
      init.signal.addEventListener('abort', () => reject(init.signal.reason));
    });
  const call = createHttpCall({ baseUrl: 'http://guru', fetch: slow, graceMs: 0 });
  const started = Date.now();
  // AbortSignal.timeout's timer does not keep Node's event loop alive.
  const alive = setTimeout(() => {}, 5000);
  try {
    await assert.rejects(call('Search', { query: 'q' }, 50), { code: 4 });
  } finally {
    clearTimeout(alive);
  }
  assert.ok(Date.now() - started < 2000);
});

test('the page\'s configuration: config.json, then the query string', () => {
  assert.deepEqual(readConfig({}, ''), { mode: 'backend', guru: '', token: '', deadlineMs: 10000 });
  assert.deepEqual(readConfig({ guru: 'http://127.0.0.1:8081/', token: ' t ' }, ''), {
    mode: 'direct',
    guru: 'http://127.0.0.1:8081',
    token: 't',
    deadlineMs: 10000,
  });
  assert.deepEqual(readConfig({}, '?guru=http%3A%2F%2Fg%3A1'), { mode: 'direct', guru: 'http://g:1', token: '', deadlineMs: 10000 });
  // The query wins; a token never comes from it.
  assert.equal(readConfig({ mode: 'direct', guru: 'http://a:1' }, '?mode=backend').mode, 'backend');
  assert.equal(readConfig({ guru: 'http://a:1', token: 'x' }, '?guru=http://b:2&token=y').token, 'x');
  assert.match(readConfig({ mode: 'direct' }, '').error, /needs guru/);
  assert.match(readConfig({}, '?guru=javascript:alert(1)').error, /needs guru/);
  assert.match(readConfig({ mode: 'proxy' }, '').error, /mode must be/);
  assert.match(readConfig({ deadlineMs: -1 }, '').error, /deadlineMs/);
  assert.equal(guruUrl('https://guru.example/api/'), 'https://guru.example/api');
  assert.equal(guruUrl('http://g:1/?x=1'), '');
  assert.equal(guruUrl('ftp://g'), '');
});

test('flags: direct mode, and the googleapis directory', () => {
  const { config } = parseArgs(['--guru-http', 'http://127.0.0.1:8081/', '--guru-token-file', '/t'], {});
  assert.equal(config.guruHttp, 'http://127.0.0.1:8081');
  assert.equal(config.guruTokenFile, '/t');
  assert.equal(parseArgs([], { CHATBOT_GURU_HTTP: 'http://g:1' }).config.guruHttp, 'http://g:1');
  assert.match(parseArgs(['--guru-http', 'g:1'], {}).error, /http\(s\) URL/);
  assert.match(parseArgs(['--guru-token-file', '/t'], {}).error, /direct mode/);
  assert.match(parseArgs([], {}).config.googleapisDir, /grpc-gateway\/third_party\/googleapis$/);
  assert.equal(parseArgs(['--googleapis-dir', '/g'], {}).config.googleapisDir, '/g');
});

test('the backend loads search.proto with google/api/annotations.proto, or says what is missing', () => {
  const { loadSearchService } = require('../server');
  const protoDir = path.resolve(__dirname, '..', '..', '..', 'proto');
  assert.equal(typeof loadSearchService(protoDir).service.Search, 'object');
  assert.throws(() => loadSearchService(protoDir, '/nonexistent'), /annotations\.proto not found.*--googleapis-dir/);
});

test('in direct mode the server serves the page and config.json, lets it connect to guru-server, proxies nothing', async () => {
  const server = createServer(null, { deadlineMs: 7000, guruHttp: 'http://127.0.0.1:8081' }, 'tok');
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy'), /connect-src 'self' http:\/\/127\.0\.0\.1:8081;/);
    assert.deepEqual(await (await fetch(`${base}/config.json`)).json(), {
      mode: 'direct',
      guru: 'http://127.0.0.1:8081',
      deadlineMs: 7000,
      token: 'tok',
    });
    const ask = await fetch(`${base}/api/ask`, { method: 'POST', body: '{"message":"knee"}' });
    assert.equal(ask.status, 404);
    assert.match((await ask.json()).error, /Direct mode/);
    assert.equal((await fetch(`${base}/api/post?id=a`)).status, 404);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
