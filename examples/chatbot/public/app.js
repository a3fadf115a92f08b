'use strict';
// The chat page: sends each message with the person's earlier messages
// (newest first) to /api/ask and shows the reply. Everything from the server
// goes into the page as text nodes, never as HTML.
(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('ask');
  const input = document.getElementById('question');
  const send = document.getElementById('send');
  const reset = document.getElementById('reset');

  // The person's messages in this conversation, oldest first.
  let turns = [];

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

  function renderPassage(pieces) {
    const quote = el('blockquote', 'passage');
    for (const piece of pieces) {
      quote.appendChild(piece.mark ? el('mark', '', piece.text) : document.createTextNode(piece.text));
    }
    return quote;
  }

  function renderSource(answer) {
    const source = el('p', 'source');
    source.appendChild(document.createTextNode('Source: '));
    if (answer.url) {
      const link = el('a', 'source-title', answer.title);
      link.href = answer.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      source.appendChild(link);
    } else {
      source.appendChild(el('cite', 'source-title', answer.title));
    }
    if (answer.date) {
      source.appendChild(document.createTextNode(' · '));
      source.appendChild(el('time', 'source-date', answer.date)).dateTime = answer.date;
    }
    source.appendChild(document.createTextNode(' · '));
    source.appendChild(el('span', 'confidence', `confidence ${Math.round(answer.confidence * 100)}%`));
    return source;
  }

  function renderReply(item, reply) {
    item.dataset.status = reply.status;
    item.appendChild(el('p', 'reply-text', reply.text));
    if (!reply.answer) return;
    if (reply.didYouMean) item.appendChild(el('p', 'did-you-mean', `(searched for: ${reply.didYouMean})`));
    item.appendChild(renderPassage(reply.answer.passage));
    item.appendChild(renderSource(reply.answer));
    if (reply.others.length) {
      const others = el('p', 'others', 'Also: ');
      reply.others.forEach((other, i) => {
        if (i) others.appendChild(document.createTextNode('; '));
        others.appendChild(el('span', 'other-title', other.title));
      });
      item.appendChild(others);
    }
  }

  async function ask(message) {
    const context = turns.slice().reverse();
    turns.push(message);
    addTurn('turn-user').textContent = message;
    const item = addTurn('turn-bot');
    item.dataset.status = 'pending';
    item.textContent = '…';
    try {
      const res = await fetch('/api/ask', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message, context }),
      });
      const body = await res.json().catch(() => ({}));
      item.textContent = '';
      if (!res.ok || body.error) {
        item.dataset.status = 'error';
        item.appendChild(el('p', 'reply-text', body.error || 'Something went wrong. Please try again.'));
        return;
      }
      renderReply(item, body);
    } catch {
      item.textContent = '';
      item.dataset.status = 'error';
      item.appendChild(el('p', 'reply-text', "The chatbot isn't reachable. Please check your connection and try again."));
    }
    item.scrollIntoView({ block: 'end' });
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
