'use strict';
// End to end through examples/chatbot as a person uses it: the real
// guru-indexer builds an index of data/sample in a temporary directory, the
// real guru-server serves it on 127.0.0.1:0 (with the UK safety advice,
// data/safety/advice-uk.txt), the chatbot backend runs on 127.0.0.1:0, and
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// types questions into the page, clicks, and reads the replies: an answer
// with its attribution and confidence, the full reply, an "Also" post, a
// follow-up, the emergency, crisis and see-a-doctor messages, and an
// emergency still shown while search is unavailable.
//
//   node tests/clients/chatbot_e2e_test.js --indexer PATH --server PATH
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
const SEE_DOCTOR_MESSAGE = 'I found a new lump in my breast';
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
// Screenshots in a directory of our own are litter once every check passed.
let screenshotsToDrop = null;
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

  // The UK advice file is the deployment's text the page must show.
  const advice = Object.fromEntries(
    fs
      .readFileSync(SAFETY_ADVICE, 'utf8')
      .split('\n')
      .filter((line) => /^\s*\w+\s*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
  const serverArgs = ['--listen', '127.0.0.1:0', '--safety-advice', SAFETY_ADVICE];
  const server = await start(
    'guru-server',
    args.server,
    ['--db', db, ...serverArgs],
    'stderr',
    /listening on 127\.0\.0\.1:(\d+)/,
  );
  const guruAddress = `127.0.0.1:${server.match[1]}`;
  await waitForServing(grpc, protoLoader, guruAddress);

  const startChatbot = (name, address) =>
    start(
      name,
      process.execPath,
      [path.join(CHATBOT_DIR, 'server.js'), '--guru', address, '--port', '0', '--deadline-ms', '30000'],
      'stdout',
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
  const chatbot = await startChatbot('chatbot', guruAddress);
  const url = chatbot.match[1];

  if (!process.env.GURU_E2E_ARTIFACTS) {
    screenshotsToDrop = fs.mkdtempSync(path.join(os.tmpdir(), 'guru-chatbot-e2e-screenshots-'));
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
    const asked = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/ask')) asked.push(request.postDataJSON());
    });
    await page.goto(url);

    // A screenshot of the whole page, as NN-name.png in `artifacts`.
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

    // The vertical order of two elements: true when `a` is wholly above `b`.
    async function above(a, b) {
      const boxA = await a.boundingBox();
      const boxB = await b.boundingBox();
      return boxA.y + boxA.height <= boxB.y + 1;
    }

    let seedReply = null;
    await check('the seed question gets the seed post as the answer, with a highlighted passage', async () => {
      const reply = await ask(SEED_QUESTION);
      seedReply = reply;
      assert.equal(await page.locator('#log li.turn-user').last().textContent(), SEED_QUESTION);
      assert.equal(await reply.locator('.source-title').textContent(), SEED_TITLE);
      assert.equal(await reply.locator('.source-date').getAttribute('datetime'), '2019-05-20');
      assert.equal(await reply.locator('.source-date').textContent(), '20 May 2019');
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
      // No safety message for a sore knee.
      assert.equal(await reply.locator('.safety').count(), 0);
      assert.equal(await reply.getAttribute('data-safety'), null);
    });

    await check('attribution comes from the post and confidence is in words, the number on hover', async () => {
      const reply = seedReply;
      const attributionText = await reply.locator('.attribution').textContent();
      assert.match(attributionText, /^From .+, 20 May 2019$/);
      assert.doesNotMatch(await reply.textContent(), /the Guru said/i);
      const words = await reply.locator('.confidence').textContent();
      assert.ok(['good match', 'likely match', 'might help', 'long shot'].includes(words), `confidence: '${words}'`);
      const number = (await reply.locator('.confidence').getAttribute('title')).match(/^Confidence (\d{1,3})%/);
      assert.ok(number, 'no confidence on hover');
      // An answer shown as the answer is more likely right than not.
      assert.ok(Number(number[1]) >= 30, `confidence of the seed answer: ${number[1]}%`);
      await shoot('answered');
    });

    await check('"Read the full reply" expands the whole answer, paragraphs kept', async () => {
      const reply = seedReply;
      const full = reply.locator('.full');
      assert.equal(await full.isVisible(), false);
      await reply.locator('button.more').click();
      await full.waitFor({ state: 'visible' });
      assert.equal(await reply.locator('button.more').getAttribute('aria-expanded'), 'true');
      assert.equal(await reply.locator('button.more').textContent(), 'Show less');
      const paragraphs = await full.locator('p').allTextContents();
      assert.ok(paragraphs.length >= 3, `paragraphs: ${paragraphs.length}`);
      const text = await full.textContent();
      assert.match(text, /mobilise your own knee cap/);
      // The whole reply is longer than the passage, and holds it.
      const passage = (await reply.locator('.passage').textContent()).trim().replace(/\s+/g, ' ');
      assert.ok(text.replace(/\s+/g, ' ').includes(passage));
      // Only text elements inside.
      const tags = await full.locator('*').evaluateAll((nodes) => [...new Set(nodes.map((n) => n.tagName))]);
      assert.ok(tags.every((t) => ['P', 'UL', 'LI'].includes(t)), `full reply elements: ${tags}`);
      await shoot('full-reply');
      await reply.locator('button.more').click();
      assert.equal(await full.isVisible(), false);
    });

    await check('"Also" titles are distinct, and clicking one opens that post', async () => {
      const reply = seedReply;
      const titles = await reply.locator('.other-title').allTextContents();
      assert.ok(titles.length >= 1, 'no "Also" titles');
      const keys = titles.map((t) => t.toLowerCase().trim());
      assert.equal(new Set(keys).size, keys.length, `duplicate titles: ${titles}`);
      assert.ok(!keys.includes(SEED_TITLE.toLowerCase()), `the answer among "Also": ${titles}`);
      const ids = await reply.locator('.other-title').evaluateAll((nodes) => nodes.map((n) => n.dataset.id));
      assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids}`);
      await reply.locator('.other-title').first().click();
      const post = page.locator('#log li.turn-post').last();
      await post.and(page.locator(':not([data-status="pending"])')).waitFor();
      assert.equal(await post.getAttribute('data-status'), 'post');
      assert.equal(await post.getAttribute('data-id'), ids[0]);
      assert.equal(await post.locator('.post-title').textContent(), titles[0]);
      assert.ok((await post.locator('.full').textContent()).trim().length > 100, 'the opened post has no reply');
      assert.ok((await post.locator('.post-question').textContent()).length > 20, 'the opened post has no question');
      await shoot('also-opened');
    });

    await check('earlier turns go along as context, newest first', async () => {
      await ask('what exercises can I do for it');
      await ask('and is swimming ok?');
      assert.deepEqual(
        asked.map((body) => body.context),
        [[], [SEED_QUESTION], ['what exercises can I do for it', SEED_QUESTION]],
      );
      await shoot('conversation');
    });

    await check('gibberish gets the no-answer message and no post', async () => {
      await newConversation();
      const reply = await ask('asdkjh qwe');
      assert.equal(await reply.getAttribute('data-status'), 'NO_MATCH');
      assert.match(await reply.textContent(), new RegExp(NO_ANSWER));
      assert.equal(await reply.locator('.passage, .source, .safety').count(), 0);
      await shoot('no-answer');
    });

    await check('a follow-up shows what was searched for', async () => {
      await newConversation();
      await ask('my achilles tendon is stiff first thing in the morning');
      const reply = await ask('how is it treated?');
      assert.deepEqual(asked[asked.length - 1].context, ['my achilles tendon is stiff first thing in the morning']);
      const searched = reply.locator('.searched-for');
      assert.equal(await searched.count(), 1, 'no "Searching for" line');
      assert.match(await searched.textContent(), /^Searching for: .*achilles.*/i);
      assert.notEqual(await reply.getAttribute('data-status'), 'error');
      await shoot('follow-up');
    });

    await check('an emergency shows the banner with the advice and signs above the results', async () => {
      await newConversation();
      const reply = await ask(EMERGENCY_MESSAGE);
      assert.equal(await reply.getAttribute('data-safety'), 'EMERGENCY');
      const banner = reply.locator('.safety-emergency');
      assert.equal(await banner.getAttribute('role'), 'alert');
      // First in the reply.
      assert.equal(await reply.locator(':scope > :first-child').getAttribute('class'), 'safety safety-emergency');
      assert.equal(await banner.locator('.safety-advice').textContent(), advice.emergency);
      assert.match(await banner.locator('.safety-advice').textContent(), /999/);
      const signs = await banner.locator('.safety-signs').textContent();
      assert.match(signs, /chest/i);
      const results = reply.locator('.results');
      if ((await results.count()) > 0) {
        assert.match(await results.getAttribute('class'), /secondary/);
        assert.ok(await above(banner, results), 'the results are not below the banner');
      }
      await shoot('emergency');
    });

    await check('a crisis shows the warm message and crisis line first, never the no-answer text', async () => {
      await newConversation();
      const reply = await ask(CRISIS_MESSAGE);
      assert.equal(await reply.getAttribute('data-safety'), 'CRISIS');
      const box = reply.locator('.safety-crisis');
      assert.equal(await reply.locator(':scope > :first-child').getAttribute('class'), 'safety safety-crisis');
      assert.match(await box.locator('.safety-title').textContent(), /sorry/i);
      assert.equal(await box.locator('.safety-advice').textContent(), advice.crisis);
      assert.match(await box.textContent(), /Samaritans/);
      assert.doesNotMatch(await reply.textContent(), new RegExp(NO_ANSWER));
      assert.doesNotMatch(await reply.textContent(), /might help/);
      await shoot('crisis');
    });

    await check('a sign that needs a doctor shows a note above the answer', async () => {
      await newConversation();
      const reply = await ask(SEE_DOCTOR_MESSAGE);
      assert.equal(await reply.getAttribute('data-safety'), 'SEE_DOCTOR');
      const note = reply.locator('.safety-see-doctor');
      assert.equal(await note.locator('.safety-advice').textContent(), advice.see_doctor);
      assert.equal(await reply.locator(':scope > :first-child').getAttribute('class'), 'safety safety-see-doctor');
      const results = reply.locator('.results');
      if ((await results.count()) > 0) assert.ok(await above(note, results));
      await shoot('see-doctor');
    });

    await check('a new conversation starts without context', async () => {
      await newConversation();
      const reply = await ask('my heel hurts with the first steps in the morning');
      assert.deepEqual(asked[asked.length - 1].context, []);
      assert.notEqual(await reply.getAttribute('data-status'), 'error');
    });

    await check('with the index unavailable an emergency is still shown (CheckSafety)', async () => {
      // A guru-server whose index cannot be opened: Search answers
      // UNAVAILABLE, CheckSafety still works.
      const missing = path.join(work, 'no-index');
      const down = await start('guru-server (no index)', args.server, ['--db', missing, ...serverArgs], 'stderr', /listening on 127\.0\.0\.1:(\d+)/);
      const downBot = await startChatbot('chatbot (no index)', `127.0.0.1:${down.match[1]}`);
      await page.goto(downBot.match[1]);
      const reply = await ask(EMERGENCY_MESSAGE);
      assert.equal(await reply.getAttribute('data-status'), 'error');
      assert.equal(await reply.getAttribute('data-safety'), 'EMERGENCY');
      assert.equal(await reply.locator('.safety-advice').textContent(), advice.emergency);
      assert.match(await reply.locator('.reply-text').textContent(), /isn't reachable right now/);
      await shoot('emergency-index-unavailable');
      const crisis = await ask(CRISIS_MESSAGE);
      assert.equal(await crisis.getAttribute('data-safety'), 'CRISIS');
      assert.equal(await crisis.locator('.reply-text').count(), 0);
      await stop(downBot.proc);
      await stop(down.proc);
      await page.goto(url);
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
  await cleanup(work, failed === 0);
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
