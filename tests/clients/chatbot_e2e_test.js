'use strict';
// End to end through examples/chatbot as a person uses it: the real
// guru-indexer builds an index of data/sample in a temporary directory, the
// real guru-server serves it on 127.0.0.1:0, the chatbot backend runs on
// 127.0.0.1:0, and headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) types questions into the page and reads the replies.
//
//   node tests/clients/chatbot_e2e_test.js --indexer PATH --server PATH
//
// Every process it starts is stopped at the end, on failure and on its own
// timeout too (GURU_E2E_TIMEOUT_MS, default 240000); the children also get
// SIGKILL if this process dies (setpriv --pdeathsig). GURU_E2E_SCREENSHOT=FILE
// keeps a screenshot of the conversation.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CHATBOT_DIR = path.join(ROOT, 'examples', 'chatbot');
const CHROMIUM = '/usr/bin/chromium';
const SEED_QUESTION = 'since the marathon my left knee hurts when I run for more than 5 minutes';
const SEED_TITLE = 'Knee pain post marathon';
const NO_ANSWER = "I don't have a good answer for that yet";
const TIMEOUT_MS = Number(process.env.GURU_E2E_TIMEOUT_MS || 240000);
// One step (a server start, a reply): generous, for the sanitizer build.
const STEP_MS = 60000;

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const name of ['indexer', 'server']) {
    if (!args[name]) throw new Error(`usage: chatbot_e2e_test.js --indexer PATH --server PATH (missing --${name})`);
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

const children = [];
// The browser (and its launch, until done), so that cleanup() can close it on
// a timeout too.
let browser = null;
let browserLaunch = null;
const HAVE_SETPRIV = fs.existsSync('/usr/bin/setpriv');

// Starts `command` and resolves with the first match of `pattern` in its
// `stream` ('stdout' or 'stderr'); rejects if it exits or STEP_MS pass first.
function start(name, command, args, stream, pattern) {
  const argv = HAVE_SETPRIV ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', command, ...args] : [command, ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
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

// Polls grpc.health.v1.Health/Check until the server reports SERVING.
async function waitForServing(grpc, protoLoader, address) {
  const definition = protoLoader.loadSync('grpc/health/v1/health.proto', {
    includeDirs: [path.join(ROOT, 'proto')],
    enums: String,
  });
  const { Health } = grpc.loadPackageDefinition(definition).grpc.health.v1;
  const client = new Health(address, grpc.credentials.createInsecure());
  const until = Date.now() + STEP_MS;
  try {
    while (Date.now() < until) {
      const status = await new Promise((resolve) =>
        client.Check({ service: '' }, { deadline: Date.now() + 5000 }, (err, res) => resolve(err ? 'ERROR' : res.status)),
      );
      if (status === 'SERVING') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`guru-server at ${address} did not report SERVING within ${STEP_MS} ms`);
  } finally {
    client.close();
  }
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
  const grpc = requireChatbotModule('@grpc/grpc-js');
  const protoLoader = requireChatbotModule('@grpc/proto-loader');

  const db = path.join(work, 'db');
  const indexed = spawnSync(
    args.indexer,
    ['--db', db, '--synonyms', path.join(ROOT, 'data/synonyms/lay-clinical.txt'), path.join(ROOT, 'data/sample')],
    { encoding: 'utf8', timeout: STEP_MS },
  );
  assert.equal(indexed.status, 0, `guru-indexer failed:\n${indexed.stdout}${indexed.stderr}`);

  const server = await start(
    'guru-server',
    args.server,
    ['--db', db, '--listen', '127.0.0.1:0'],
    'stderr',
    /listening on 127\.0\.0\.1:(\d+)/,
  );
  const guruAddress = `127.0.0.1:${server.match[1]}`;
  await waitForServing(grpc, protoLoader, guruAddress);

  const chatbot = await start(
    'chatbot',
    process.execPath,
    [path.join(CHATBOT_DIR, 'server.js'), '--guru', guruAddress, '--port', '0', '--deadline-ms', '30000'],
    'stdout',
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const url = chatbot.match[1];

  browserLaunch = chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
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
    const asked = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/ask')) asked.push(request.postDataJSON());
    });
    await page.goto(url);

    // Types `text`, presses Enter and returns the bot's reply once it is in.
    async function ask(text) {
      const replies = page.locator('#log li.turn-bot');
      const before = await replies.count();
      await page.fill('#question', text);
      await page.press('#question', 'Enter');
      const reply = replies.nth(before);
      await reply.and(page.locator(':not([data-status="pending"])')).waitFor();
      return reply;
    }

    await check('the seed question gets the seed post as the answer, with a highlighted passage', async () => {
      const reply = await ask(SEED_QUESTION);
      assert.equal(await page.locator('#log li.turn-user').last().textContent(), SEED_QUESTION);
      assert.equal(await reply.locator('.source-title').textContent(), SEED_TITLE);
      assert.equal(await reply.locator('.source-date').textContent(), '2019-05-20');
      const confidence = (await reply.locator('.confidence').textContent()).match(/^confidence (\d{1,3})%$/);
      assert.ok(confidence, 'no confidence shown');
      const passage = (await reply.locator('.passage').textContent()).trim();
      assert.ok(passage.length >= 40, `passage too short: '${passage}'`);
      // Marking the words neither drops nor repeats text: the passage stands
      // as it is in the seed page (whitespace aside).
      const squash = (text) => text.replace(/\s+/g, ' ');
      const seedPage = fs.readFileSync(path.join(ROOT, 'data/sample/knees/knee-pain-post-marathon.txt'), 'utf8');
      assert.ok(squash(seedPage).includes(squash(passage)), `passage not in the seed page: '${passage}'`);
      // Only text and <mark> inside the passage; the marks are query words.
      const tags = await reply.locator('.passage *').evaluateAll((nodes) => nodes.map((n) => n.tagName));
      assert.ok(tags.length > 0 && tags.every((t) => t === 'MARK'), `passage elements: ${tags}`);
      const marks = await reply.locator('.passage mark').allTextContents();
      assert.ok(
        marks.some((m) => /^(knee|marathon|run|hurt|left|minute)/i.test(m)),
        `no query word among the highlights: ${JSON.stringify(marks)}`,
      );
      assert.equal(await reply.getAttribute('data-status'), 'ANSWERED');
      // An answer shown as the answer is more likely right than not.
      assert.ok(Number(confidence[1]) >= 30, `confidence of the seed answer: ${confidence[1]}%`);
    });

    await check('earlier turns go along as context, newest first', async () => {
      await ask('what exercises can I do for it');
      await ask('asdkjh qwe');
      assert.deepEqual(
        asked.map((body) => body.context),
        [[], [SEED_QUESTION], ['what exercises can I do for it', SEED_QUESTION]],
      );
    });

    await check('gibberish gets the no-answer message and no post', async () => {
      const reply = page.locator('#log li.turn-bot').nth(2);
      assert.equal(await reply.getAttribute('data-status'), 'NO_MATCH');
      assert.match(await reply.textContent(), new RegExp(NO_ANSWER));
      assert.equal(await reply.locator('.passage, .source').count(), 0);
    });

    if (process.env.GURU_E2E_SCREENSHOT) {
      await page.screenshot({ path: process.env.GURU_E2E_SCREENSHOT, fullPage: true });
    }

    await check('a new conversation starts without context', async () => {
      await page.click('#reset');
      assert.equal(await page.locator('#log li').count(), 0);
      const reply = await ask('my heel hurts with the first steps in the morning');
      assert.deepEqual(asked[asked.length - 1].context, []);
      assert.notEqual(await reply.getAttribute('data-status'), 'error');
    });

    await check('with guru-server gone the page says so, and the chatbot keeps running', async () => {
      await stop(server.proc);
      const reply = await ask('my knee hurts');
      assert.equal(await reply.getAttribute('data-status'), 'error');
      assert.match(await reply.textContent(), /isn't reachable right now/);
      assert.equal(chatbot.proc.exited, false, `chatbot exited:\n${chatbot.proc.output}`);
      const again = await page.goto(url);
      assert.equal(again.status(), 200);
    });

    await check('no script errors on the page', async () => {
      assert.deepEqual(pageErrors, []);
    });
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

async function cleanup(work) {
  await closeBrowser();
  await Promise.all(children.map(stop));
  try {
    fs.rmSync(work, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  } catch (err) {
    console.log(`# could not remove ${work}: ${err.message}`);
  }
}

// Ends the run once, whichever comes first: the checks, the timeout or a
// signal. Prints the children's output on failure and the closing line.
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
  await cleanup(work);
  console.log(`chatbot_e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guru-chatbot-e2e-'));
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
