'use strict';
// The chat page: sends each message with the person's earlier messages
// (newest first) and shows the reply: the safety banner or note first, what
// was searched for, the best passage with who wrote it and how good a match
// it is, the whole reply on demand, and other posts, each of which opens as a
// reply of its own. Everything from the server goes into the page as text
// nodes, never as HTML.
//
// Two modes, from config.json next to the page and the query string
// (GuruHttp.readConfig): 'backend' (the default) posts to the Node backend's
// /api/ask and /api/post; 'direct' calls guru-server's HTTP/JSON API from the
// browser (guru-http.js) and builds the same reply here with answer.js's
// answerMessage and lookUpPost, the functions the backend runs.
(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('ask');
  const input = document.getElementById('question');
  const send = document.getElementById('send');
  const reset = document.getElementById('reset');

  // The person's messages in this conversation, oldest first.
  let turns = [];
  let nextId = 0;

  const UNREACHABLE = "The chatbot isn't reachable. Please check your connection and try again.";

  // {file}: config.json next to the page, {} when there is none; {error}
  // when it is not JSON.
  async function readConfigFile() {
    let res;
    try {
      res = await fetch('config.json', { cache: 'no-store', credentials: 'same-origin' });
    } catch {
      return { file: {} };
    }
    if (!res.ok) return { file: {} };
    try {
      return { file: await res.json() };
    } catch {
      return { error: 'config.json is not JSON' };
    }
  }

  // {ask(message, context), post(id)}, each resolving {httpStatus, body}
  // with the body /api/ask and /api/post answer, or rejecting when the
  // backend cannot be reached.
  function backendTransport() {
    async function request(url, init) {
      const res = await fetch(url, init);
      return { httpStatus: res.status, body: await res.json().catch(() => ({})) };
    }
    return {
      ask: (message, context) =>
        request('/api/ask', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ message, context }),
        }),
      post: (id) => request(`/api/post?id=${encodeURIComponent(id)}`),
    };
  }

  // The same, with guru-server called from here.
  function directTransport(config) {
    const call = GuruHttp.createHttpCall({ baseUrl: config.guru, token: config.token, origin: window.location.origin });
    const options = {
      deadlineMs: config.deadlineMs,
      log: (what, err) => console.warn(`${what} failed: ${err && err.code}: ${err && err.message}`),
    };
    return {
      ask: (message, context) => GuruAnswer.answerMessage(call, message, context, options),
      post: (id) => GuruAnswer.lookUpPost(call, id, options),
    };
  }

  // The transport, once the configuration is read; {error} when it is wrong.
  const ready = readConfigFile().then(({ file, error }) => {
    const config = error ? { error } : GuruHttp.readConfig(file, window.location.search);
    if (config.error) {
      document.body.dataset.mode = 'error';
      return { error: `The chatbot is misconfigured: ${config.error}.` };
    }
    document.body.dataset.mode = config.mode;
    return config.mode === 'direct' ? directTransport(config) : backendTransport();
  });

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addTurn(className) {
    const item = el('li', className);
    log.appendChild(item);
    item.scrollIntoView({ block: 'end' });
    return item;
  }

  function renderSafety(safety) {
    const urgent = safety.level === 'EMERGENCY' || safety.level === 'CRISIS';
    const box = el(urgent ? 'section' : 'aside', `safety safety-${safety.level.toLowerCase().replace('_', '-')}`);
    box.dataset.level = safety.level;
    box.setAttribute('role', urgent ? 'alert' : 'note');
    box.appendChild(el('p', 'safety-title', safety.title));
    if (safety.message) box.appendChild(el('p', 'safety-message', safety.message));
    box.appendChild(el('p', 'safety-advice', safety.advice));
    if (safety.signs.length) {
      const signs = el('p', 'safety-signs');
      signs.appendChild(el('span', 'safety-signs-label', `${safety.signsLabel} `));
      signs.appendChild(document.createTextNode(safety.signs.join('; ')));
      box.appendChild(signs);
    }
    return box;
  }

  function renderPassage(pieces) {
    const quote = el('blockquote', 'passage');
    for (const piece of pieces) {
      quote.appendChild(piece.mark ? el('mark', '', piece.text) : document.createTextNode(piece.text));
    }
    return quote;
  }

  function renderTitle(post) {
    if (post.url) {
      const link = el('a', 'source-title', post.title);
      link.href = post.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      return link;
    }
    return el('cite', 'source-title', post.title);
  }

  // "From CancerGov, 20 May 2019 · Title · good match"; for a post shown
  // under its own heading, the title only when it links to the source.
  function renderSource(post, withConfidence, withTitle = true) {
    const source = el('p', 'source');
    if (post.attribution) {
      const who = el('span', 'attribution');
      if (post.date && post.dateText && post.attribution.endsWith(post.dateText)) {
        who.appendChild(document.createTextNode(post.attribution.slice(0, -post.dateText.length)));
        const time = el('time', 'source-date', post.dateText);
        time.dateTime = post.date;
        who.appendChild(time);
      } else {
        who.textContent = post.attribution;
      }
      source.appendChild(who);
    }
    if (withTitle || post.url) {
      if (source.childNodes.length) source.appendChild(document.createTextNode(' · '));
      source.appendChild(withTitle ? renderTitle(post) : renderTitle({ ...post, title: 'Source' }));
    }
    if (withConfidence) {
      source.appendChild(document.createTextNode(' · '));
      const confidence = el('span', 'confidence', post.confidenceWords);
      confidence.title = post.confidenceTitle;
      confidence.dataset.confidence = String(post.confidence);
      source.appendChild(confidence);
    }
    return source;
  }

  function renderBlocks(blocks) {
    const full = el('div', 'full');
    for (const block of blocks) {
      if (block.type === 'list') {
        const list = el('ul', block.numbered ? 'numbered' : '');
        for (const item of block.items) list.appendChild(el('li', '', item));
        full.appendChild(list);
      } else {
        full.appendChild(el('p', '', block.text));
      }
    }
    return full;
  }

  // The whole reply behind a "Read the full reply" button.
  function renderFull(post) {
    const wrap = el('div', 'full-wrap');
    const full = renderBlocks(post.full);
    full.id = `full-${nextId++}`;
    full.hidden = true;
    const toggle = el('button', 'link more', 'Read the full reply');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', full.id);
    toggle.addEventListener('click', () => {
      full.hidden = !full.hidden;
      toggle.setAttribute('aria-expanded', String(!full.hidden));
      toggle.textContent = full.hidden ? 'Read the full reply' : 'Show less';
    });
    wrap.appendChild(toggle);
    wrap.appendChild(full);
    return wrap;
  }

  function renderOthers(others) {
    const box = el('nav', 'others');
    box.setAttribute('aria-label', 'Other replies');
    box.appendChild(el('p', 'others-label', 'Also:'));
    const list = el('ul', 'others-list');
    for (const other of others) {
      const item = el('li');
      const open = el('button', 'link other-title', other.title);
      open.type = 'button';
      open.dataset.id = other.id;
      open.addEventListener('click', () => openPost(other));
      item.appendChild(open);
      list.appendChild(item);
    }
    box.appendChild(list);
    return box;
  }

  function renderReply(item, reply) {
    item.dataset.status = reply.status;
    if (reply.safety) {
      item.dataset.safety = reply.safety.level;
      item.appendChild(renderSafety(reply.safety));
    }
    const body = el('div', reply.secondary ? 'results secondary' : 'results');
    if (reply.searchedFor) {
      const searched = el('p', 'searched-for');
      searched.appendChild(el('span', 'searched-for-label', 'Searching for: '));
      searched.appendChild(el('span', 'searched-for-text', reply.searchedFor));
      body.appendChild(searched);
    }
    if (reply.text) body.appendChild(el('p', 'reply-text', reply.text));
    if (reply.answer) {
      const card = el('article', 'answer');
      card.appendChild(renderPassage(reply.answer.passage));
      card.appendChild(renderSource(reply.answer, true));
      if (reply.answer.full.length) card.appendChild(renderFull(reply.answer));
      body.appendChild(card);
    }
    if (reply.others.length) body.appendChild(renderOthers(reply.others));
    if (body.childNodes.length) item.appendChild(body);
  }

  // A post opened from an "Also" title, as a reply of its own.
  async function openPost(other) {
    const item = addTurn('turn-bot turn-post');
    item.dataset.status = 'pending';
    item.textContent = '…';
    try {
      const transport = await ready;
      if (transport.error) throw new Error(transport.error);
      const { httpStatus, body: post } = await transport.post(other.id);
      item.textContent = '';
      if (httpStatus < 200 || httpStatus > 299 || post.error) {
        item.dataset.status = 'error';
        item.appendChild(el('p', 'reply-text', post.error || 'Something went wrong. Please try again.'));
        return;
      }
      item.dataset.status = 'post';
      item.dataset.id = post.id;
      const card = el('article', 'answer post');
      card.appendChild(el('h2', 'post-title', post.title));
      card.appendChild(renderSource(post, false, false));
      if (post.question) {
        const question = el('blockquote', 'post-question');
        question.appendChild(el('span', 'post-question-label', 'The question: '));
        question.appendChild(document.createTextNode(post.question));
        card.appendChild(question);
      }
      card.appendChild(renderBlocks(post.full));
      item.appendChild(card);
    } catch {
      item.textContent = '';
      item.dataset.status = 'error';
      item.appendChild(el('p', 'reply-text', UNREACHABLE));
    }
    item.scrollIntoView({ block: 'start' });
  }

  async function ask(message) {
    const context = turns.slice().reverse();
    turns.push(message);
    addTurn('turn-user').textContent = message;
    const item = addTurn('turn-bot');
    item.dataset.status = 'pending';
    item.textContent = '…';
    try {
      const transport = await ready;
      if (transport.error) {
        item.textContent = '';
        item.dataset.status = 'error';
        item.appendChild(el('p', 'reply-text', transport.error));
        return;
      }
      const { httpStatus, body } = await transport.ask(message, context);
      item.textContent = '';
      if (httpStatus < 200 || httpStatus > 299 || body.error) {
        if (body.reply) {
          renderReply(item, body.reply);
        } else {
          item.dataset.status = 'error';
          item.appendChild(el('p', 'reply-text', body.error || 'Something went wrong. Please try again.'));
        }
      } else {
        renderReply(item, body);
      }
    } catch {
      item.textContent = '';
      item.dataset.status = 'error';
      item.appendChild(el('p', 'reply-text', UNREACHABLE));
    }
    // A safety message is read from its top.
    item.scrollIntoView({ block: item.dataset.safety ? 'start' : 'end' });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = '';
    send.disabled = true;
    try {
      await ask(message);
    } finally {
      send.disabled = false;
      input.focus();
    }
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  reset.addEventListener('click', () => {
    turns = [];
    log.textContent = '';
    input.focus();
  });
})();
