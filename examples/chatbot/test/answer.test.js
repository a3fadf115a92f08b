'use strict';
// Unit tests of the chatbot's pure logic: search requests, replies, passage
// pieces with code-point offsets, links, error messages, flags.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  NO_ANSWER_TEXT,
  buildReply,
  buildSearchRequest,
  friendlyError,
  passagePieces,
  safeUrl,
  truncateUtf8,
} = require('../lib/answer');
const { parseArgs } = require('../server');

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
