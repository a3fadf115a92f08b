'use strict';
// End to end through examples/chatbot's direct mode, where the page calls
// guru-server's HTTP/JSON API itself with no backend in between: the real
// guru-indexer builds an index of data/sample in a temporary directory, the
// real guru-server serves it with --http-listen 127.0.0.1:0, a bearer token
// (--auth-token-file), the UK safety advice and --http-cors-origin for one
// origin only: that of the chatbot's server.js in direct mode
// (--guru-http URL --guru-token-file FILE), which serves the page and its
// config.json and proxies nothing. Headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) asks the marathon question
// and reads the answer, opens an "Also" post, asks a follow-up, an emergency
// and a crisis; then opens the same page from a plain static file server
// (python3 -m http.server, configured by ?guru=URL) whose origin guru-server
// does not allow, and expects a clear error in the chat, soon; and last,
// with guru-server stopped, the page's "not reachable" message.
//
//   node tests/clients/chatbot_direct_e2e_test.js --indexer PATH --server PATH
//
// Every process it starts is stopped at the end, on failure and on its own
// timeout too (GURU_E2E_TIMEOUT_MS, default 240000); the children also get
// SIGKILL if this process dies (setpriv --pdeathsig). A screenshot of each
// state (NN-name.png) is written to $GURU_E2E_ARTIFACTS, or to a new
// directory under the system's temporary directory, kept only when a check
// fails; the test prints where.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CHATBOT_DIR = path.join(ROOT, 'examples', 'chatbot');
const CHROMIUM = '/usr/bin/chromium';
const SEED_QUESTION = 'since the marathon my left knee hurts when I run for more than 5 minutes';
const SEED_TITLE = 'Knee pain post marathon';
const NO_ANSWER = "I don't have a good answer for that yet";
const SAFETY_ADVICE = path.join(ROOT, 'data/safety/advice-uk.txt');
const EMERGENCY_MESSAGE = "I have crushing chest pain spreading to my left arm and I'm sweating";
const CRISIS_MESSAGE = 'I want to kill myself';
const TOKEN = 'direct-mode-test-token-5f1c';
const TIMEOUT_MS = Number(process.env.GURU_E2E_TIMEOUT_MS || 240000);
// One step (a server start, a reply): generous, for the sanitizer build.
const STEP_MS = 60000;
// How soon the page must say that its origin is refused: the refused call,
// the /healthz probe (at most 3 s) and CheckSafety's (the same), with room.
const REFUSED_WITHIN_MS = 20000;

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const name of ['indexer', 'server']) {
    if (!args[name]) throw new Error(`usage: chatbot_direct_e2e_test.js --indexer PATH --server PATH (missing --${name})`);
  }
  return args;
}

function requireChatbotModule(name) {
  try {
    return createRequire(path.join(CHATBOT_DIR, 'package.json'))(name);
  } catch (err) {
    throw new Error(`cannot load ${name} from examples/chatbot/node_modules (scripts/setup.sh runs npm ci there): ${err.message}`);
  }
}

// The children's environment: this test's own GURU_E2E_* settings are not
// passed on (guru-server refuses GURU_* variables it does not know).
const CHILD_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GURU_E2E_')));

const children = [];
// The browser (and its launch, until done), so that cleanup() can close it on
// a timeout too.
let browser = null;
// Screenshots in a directory of our own are litter once every check passed.
let screenshotsToDrop = null;
let browserLaunch = null;
const HAVE_SETPRIV = fs.existsSync('/usr/bin/setpriv');

// Starts `command` and resolves with the first match of `pattern` in its
// `stream` ('stdout' or 'stderr'); rejects if it exits or STEP_MS pass first.
function start(name, command, args, stream, pattern, options = {}) {
  const argv = HAVE_SETPRIV ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', command, ...args] : [command, ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: CHILD_ENV, ...options });
  const proc = { name, child, output: '', exited: false };
  children.push(proc);
  child.on('exit', () => {
    proc.exited = true;
  });
  for (const s of ['stdout', 'stderr']) {
    child[s].setEncoding('utf8');
    child[s].on('data', (data) => {
      proc.output += data;
    });
  }
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${STEP_MS} ms:\n${proc.output}`)), STEP_MS);
    child[stream].on('data', (data) => {
      seen += data;
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, match });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${proc.output}`));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not be started: ${err.message}`));
    });
  });
}

function stop(proc) {
  if (proc.exited) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.child.kill('SIGKILL'), 10000);
    proc.child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.child.kill('SIGTERM');
  });
}

// A free port on 127.0.0.1, for the chatbot, whose origin guru-server must be
// told before the chatbot (which must be told guru-server's URL) starts.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Polls GET /readyz until guru-server answers 200 (SERVING).
async function waitForReady(base) {
  const until = Date.now() + STEP_MS;
  while (Date.now() < until) {
    const status = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`guru-server at ${base} was not ready (GET /readyz) within ${STEP_MS} ms`);
}

const checks = [];
function check(name, fn) {
  return fn().then(
    () => {
      checks.push({ name, ok: true });
      console.log(`ok - ${name}`);
    },
    (err) => {
      checks.push({ name, ok: false });
      console.log(`not ok - ${name}\n${String(err.stack || err).replace(/^/gm, '    ')}`);
    },
  );
}

async function main(work) {
  const args = parseArgs(process.argv.slice(2));
  const { chromium } = requireChatbotModule('playwright-core');

  const db = path.join(work, 'db');
  const indexed = spawnSync(
    args.indexer,
    ['--db', db, '--synonyms', path.join(ROOT, 'data/synonyms/lay-clinical.txt'), path.join(ROOT, 'data/sample')],
    { encoding: 'utf8', timeout: STEP_MS, env: CHILD_ENV },
  );
  assert.equal(indexed.status, 0, `guru-indexer failed:\n${indexed.stdout}${indexed.stderr}`);
  const tokenFile = path.join(work, 'token');
  fs.writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });

  // The UK advice file is the deployment's text the page must show.
  const advice = Object.fromEntries(
    fs
      .readFileSync(SAFETY_ADVICE, 'utf8')
      .split('\n')
      .filter((line) => /^\s*\w+\s*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );

  // A static file server for public/, on an origin guru-server does not allow.
  const statics = await start(
    'static file server (origin not allowed)',
    '/usr/bin/python3',
    ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', path.join(CHATBOT_DIR, 'public'), '0'],
    'stdout',
    /port (\d+)/,
  );
  const refusedOrigin = `http://127.0.0.1:${statics.match[1]}`;

  const chatbotPort = await freePort();
  const allowedOrigin = `http://127.0.0.1:${chatbotPort}`;
  const server = await start(
    'guru-server',
    args.server,
    [
      '--db', db,
      '--listen', '127.0.0.1:0',
      '--http-listen', '127.0.0.1:0',
      '--http-cors-origin', allowedOrigin,
      '--auth-token-file', tokenFile,
      '--safety-advice', SAFETY_ADVICE,
      '--shutdown-grace-ms', '0',
    ],
    'stderr',
    /HTTP\/JSON on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const guru = server.match[1];
  await waitForReady(guru);

  const chatbot = await start(
    'chatbot (direct mode)',
    process.execPath,
    [
      path.join(CHATBOT_DIR, 'server.js'),
      '--guru-http', guru,
      '--guru-token-file', tokenFile,
      '--port', String(chatbotPort),
      '--deadline-ms', '30000',
    ],
    'stdout',
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const url = chatbot.match[1];
  assert.equal(url, allowedOrigin);

  if (!process.env.GURU_E2E_ARTIFACTS) {
    screenshotsToDrop = fs.mkdtempSync(path.join(os.tmpdir(), 'guru-chatbot-direct-e2e-screenshots-'));
  }
  const artifacts = screenshotsToDrop || path.resolve(process.env.GURU_E2E_ARTIFACTS);
  fs.mkdirSync(artifacts, { recursive: true });
  console.log(`# screenshots in ${artifacts}`);
  let shots = 0;

  browserLaunch = chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    viewport: { width: 1000, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser = await browserLaunch;
  try {
    const page = browser.pages()[0] || (await browser.newPage());
    page.setDefaultTimeout(STEP_MS);
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Every request the page makes to guru-server, and any to the chatbot's
    // /api/ (there must be none).
    const toGuru = [];
    const toApi = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${guru}/`)) toGuru.push(request);
      if (new URL(request.url()).pathname.startsWith('/api/')) toApi.push(request.url());
    });
    const searches = () =>
      toGuru.filter((r) => r.method() === 'POST' && r.url() === `${guru}/v1/search`).map((r) => r.postDataJSON());
    await page.goto(url);
    await page.locator('body[data-mode="direct"]').waitFor();

    async function shoot(name) {
      const file = path.join(artifacts, `${String(++shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`# screenshot ${file}`);
    }

    // Types `text`, presses Enter and returns the bot's reply once it is in.
    const answers = page.locator('#log li.turn-bot:not(.turn-post)');
    async function ask(text) {
      const before = await answers.count();
      await page.fill('#question', text);
      await page.press('#question', 'Enter');
      const reply = answers.nth(before);
      await reply.and(page.locator(':not([data-status="pending"])')).waitFor();
      return reply;
    }

    async function newConversation() {
      await page.click('#reset');
      assert.equal(await page.locator('#log li').count(), 0);
    }

    async function above(a, b) {
      const boxA = await a.boundingBox();
      const boxB = await b.boundingBox();
      return boxA.y + boxA.height <= boxB.y + 1;
    }

    let seedReply = null;
    await check('the marathon question is answered by guru-server directly, with the token', async () => {
      const reply = await ask(SEED_QUESTION);
      seedReply = reply;
      assert.equal(await reply.getAttribute('data-status'), 'ANSWERED');
      assert.equal(await reply.locator('.source-title').textContent(), SEED_TITLE);
      assert.equal(await reply.locator('.source-date').getAttribute('datetime'), '2019-05-20');
      assert.match(await reply.locator('.attribution').textContent(), /^From .+, 20 May 2019$/);
      const passage = (await reply.locator('.passage').textContent()).trim();
      const squash = (text) => text.replace(/\s+/g, ' ');
      const seedPage = fs.readFileSync(path.join(ROOT, 'data/sample/knees/knee-pain-post-marathon.txt'), 'utf8');
      assert.ok(passage.length >= 40 && squash(seedPage).includes(squash(passage)), `passage: '${passage}'`);
      const marks = await reply.locator('.passage mark').allTextContents();
      assert.ok(marks.some((m) => /^(knee|marathon|run|hurt|left|minute)/i.test(m)), `highlights: ${JSON.stringify(marks)}`);
      const words = await reply.locator('.confidence').textContent();
      assert.ok(['good match', 'likely match', 'might help', 'long shot'].includes(words), `confidence: '${words}'`);
      assert.equal(await reply.locator('.safety').count(), 0);
      // The request went to guru-server, in the JSON mapping, with the token.
      assert.deepEqual(searches(), [{ query: SEED_QUESTION, limit: 3, context: [] }]);
      const search = toGuru.find((r) => r.url() === `${guru}/v1/search`);
      const headers = await search.allHeaders();
      assert.equal(headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(headers['content-type'], 'application/json');
      assert.ok(toGuru.some((r) => /\/v1\/posts\/[^/]+\/related\?limit=4$/.test(r.url())), 'no Related call');
      assert.deepEqual(toApi, []);
      await shoot('direct-answered');
    });

    await check('"Read the full reply" and an "Also" post (GET /v1/posts/{id})', async () => {
      const reply = seedReply;
      await reply.locator('button.more').click();
      await reply.locator('.full').waitFor({ state: 'visible' });
      assert.match(await reply.locator('.full').textContent(), /mobilise your own knee cap/);
      const titles = await reply.locator('.other-title').allTextContents();
      assert.ok(titles.length >= 1, 'no "Also" titles');
      assert.ok(!titles.map((t) => t.toLowerCase()).includes(SEED_TITLE.toLowerCase()), `the answer among "Also": ${titles}`);
      const id = await reply.locator('.other-title').first().getAttribute('data-id');
      await reply.locator('.other-title').first().click();
      const post = page.locator('#log li.turn-post').last();
      await post.and(page.locator(':not([data-status="pending"])')).waitFor();
      assert.equal(await post.getAttribute('data-status'), 'post');
      assert.equal(await post.getAttribute('data-id'), id);
      assert.equal(await post.locator('.post-title').textContent(), titles[0]);
      assert.ok((await post.locator('.full').textContent()).trim().length > 100, 'the opened post has no reply');
      assert.ok(toGuru.some((r) => r.method() === 'GET' && r.url() === `${guru}/v1/posts/${encodeURIComponent(id)}`));
      await shoot('direct-also-opened');
    });

    await check('a follow-up goes with the earlier turn as context and shows what was searched for', async () => {
      await newConversation();
      const first = 'my achilles tendon is stiff first thing in the morning';
      await ask(first);
      const reply = await ask('how is it treated?');
      assert.deepEqual(searches().slice(-1)[0].context, [first]);
      assert.match(await reply.locator('.searched-for').textContent(), /^Searching for: .*achilles.*/i);
      assert.notEqual(await reply.getAttribute('data-status'), 'error');
      await shoot('direct-follow-up');
    });

    await check('an emergency shows the banner with the deployment\'s advice and signs above the results', async () => {
      await newConversation();
      const reply = await ask(EMERGENCY_MESSAGE);
      assert.equal(await reply.getAttribute('data-safety'), 'EMERGENCY');
      const banner = reply.locator('.safety-emergency');
      assert.equal(await banner.getAttribute('role'), 'alert');
      assert.equal(await reply.locator(':scope > :first-child').getAttribute('class'), 'safety safety-emergency');
      assert.equal(await banner.locator('.safety-advice').textContent(), advice.emergency);
      assert.match(await banner.locator('.safety-signs').textContent(), /chest/i);
      const results = reply.locator('.results');
      if ((await results.count()) > 0) {
        assert.match(await results.getAttribute('class'), /secondary/);
        assert.ok(await above(banner, results), 'the results are not below the banner');
      }
      await shoot('direct-emergency');
    });

    await check('a crisis shows the warm message and crisis line first, never the no-answer text', async () => {
      await newConversation();
      const reply = await ask(CRISIS_MESSAGE);
      assert.equal(await reply.getAttribute('data-safety'), 'CRISIS');
      assert.equal(await reply.locator('.safety-crisis .safety-advice').textContent(), advice.crisis);
      assert.doesNotMatch(await reply.textContent(), new RegExp(NO_ANSWER));
    });

    await check('nothing is proxied: the chatbot has no /api/ in direct mode', async () => {
      assert.deepEqual(toApi, []);
      const res = await fetch(`${url}/api/ask`, { method: 'POST', body: '{"message":"knee"}' });
      assert.equal(res.status, 404);
      const config = await (await fetch(`${url}/config.json`)).json();
      assert.deepEqual(config, { mode: 'direct', guru, deadlineMs: 30000, token: TOKEN });
    });

    await check('from an origin guru-server does not allow, the chat says so, soon', async () => {
      await page.goto(`${refusedOrigin}/?guru=${encodeURIComponent(guru)}`);
      await page.locator('body[data-mode="direct"]').waitFor();
      const started = Date.now();
      const reply = await ask(SEED_QUESTION);
      const took = Date.now() - started;
      assert.ok(took < REFUSED_WITHIN_MS, `the refusal took ${took} ms`);
      assert.equal(await reply.getAttribute('data-status'), 'error');
      const text = await reply.locator('.reply-text').textContent();
      assert.match(text, /isn't allowed to use the Guru's search service/);
      assert.ok(text.includes(refusedOrigin), `the origin is not named: '${text}'`);
      assert.match(text, /--http-cors-origin/);
      await shoot('direct-origin-refused');
    });

    await check('with guru-server gone the page says it is not reachable', async () => {
      await page.goto(url);
      await page.locator('body[data-mode="direct"]').waitFor();
      await stop(server.proc);
      const reply = await ask('my knee hurts');
      assert.equal(await reply.getAttribute('data-status'), 'error');
      assert.match(await reply.textContent(), /isn't reachable right now/);
      await shoot('direct-server-gone');
    });

    await check('no script errors on the page', async () => {
      assert.deepEqual(pageErrors, []);
    });
    console.log(`# ${shots} screenshots in ${artifacts}`);
  } finally {
    await closeBrowser();
  }
}

function within(promise, ms) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

async function closeBrowser() {
  const launching = browserLaunch;
  browserLaunch = null;
  if (!browser && launching) browser = await within(launching.catch(() => null), STEP_MS);
  if (!browser) return;
  const closing = browser.close().catch(() => {});
  browser = null;
  await within(closing, 10000);
}

async function cleanup(work, allPassed) {
  await closeBrowser();
  await Promise.all(children.map(stop));
  for (const dir of allPassed && screenshotsToDrop ? [work, screenshotsToDrop] : [work]) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
    } catch (err) {
      console.log(`# could not remove ${dir}: ${err.message}`);
    }
  }
}

let finishing = false;
async function finish(work, problem) {
  if (finishing) return;
  finishing = true;
  if (problem) console.log(`not ok - ${problem}`);
  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.length - passed + (problem ? 1 : 0);
  if (failed) {
    for (const proc of children) console.log(`--- ${proc.name} output:\n${proc.output.slice(-4000)}`);
  }
  await cleanup(work, failed === 0);
  console.log(`chatbot_direct_e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guru-chatbot-direct-e2e-'));
  setTimeout(() => finish(work, `timed out after ${TIMEOUT_MS} ms`), TIMEOUT_MS);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => finish(work, `stopped by ${signal}`));
  let problem = null;
  try {
    await main(work);
  } catch (err) {
    problem = `setup\n${String(err.stack || err).replace(/^/gm, '    ')}`;
  }
  await finish(work, problem);
})();
