// Cove's chat page. Talks only to the server that served it (the page's Content-Security-Policy
// allows nothing else), through the OpenAI-compatible /v1/chat/completions, streamed.
// Conversations live in memory; with "Save" on, in this browser's localStorage only.
'use strict';

const SAVE_FLAG = 'cove.save';
const SAVED = 'cove.conversation';

const $ = (id) => document.getElementById(id);
const state = {
  messages: [],        // {role, content, meta?: {stats, stopped, toolCalls}, shown?, masks?}
  redact: false,       // this conversation masks personal data before the model sees it
  placeholders: new Map(), // label + original -> placeholder, for this conversation
  originals: new Map(),    // placeholder -> original: the page's memory only
  apiKey: '',
  controller: null,    // AbortController of the answer being streamed
  contextLength: null, // of the selected model, from /api/show
};

// ------------------------------------------------------------------ server calls

function headers() {
  const h = { 'Content-Type': 'application/json' };
  if (state.apiKey) h.Authorization = 'Bearer ' + state.apiKey;
  return h;
}

async function api(path, body, signal) {
  let response;
  try {
    response = await fetch(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new Error('The Cove server cannot be reached: is it still running?');
  }
  if (response.ok) return response;
  let message = response.status + ' ' + response.statusText;
  let code = '';
  try {
    const e = await response.json();
    message = (e.error && (e.error.message || e.error)) || message;
    code = (e.error && e.error.code) || '';
  } catch (ignored) { /* not JSON */ }
  if (response.status === 401) {
    askForKey();
    throw new Error(state.apiKey ? 'The server refused this API key: check it in Settings.'
      : 'This server needs an API key: enter it in Settings.');
  }
  if (response.status === 429 || response.status === 503) {
    throw new Error('The server is busy (' + message + '). Try again in a moment.');
  }
  if (response.status === 404 && code === 'model_not_found') {
    loadModels(); // the list changed: offer what is served now
    throw new Error('This model is no longer served (' + message + '). Pick another one.');
  }
  throw new Error(message);
}

async function loadModels() {
  const select = $('model');
  try {
    const list = await (await api('/v1/models')).json();
    select.replaceChildren(...list.data.map((m) => new Option(m.id, m.id)));
    status(list.data.length + (list.data.length === 1 ? ' model' : ' models') + ' on this machine');
    await loadModelInfo();
  } catch (e) {
    status(e.message, true);
  }
}

async function loadModelInfo() {
  state.contextLength = null;
  try {
    const info = await (await api('/api/show', { model: $('model').value })).json();
    const m = /num_ctx (\d+)/.exec(info.parameters || '');
    if (m) state.contextLength = Number(m[1]);
  } catch (ignored) { /* the context figure is optional */ }
}

// ------------------------------------------------------------------ conversation

function requestMessages() {
  const out = [];
  const system = $('system').value.trim();
  if (system) out.push({ role: 'system', content: system });
  for (const m of state.messages) {
    const msg = { role: m.role, content: m.content };
    if (m.meta && m.meta.toolCalls && m.meta.toolCalls.length) msg.tool_calls = m.meta.toolCalls;
    out.push(msg);
  }
  return out;
}

async function send(text) {
  let message = { role: 'user', content: text };
  if (state.redact) {
    try {
      message = await masked(text);
    } catch (e) {
      // Fail closed: a message the user asked to mask is never sent unmasked.
      $('input').value = text;
      autoGrow();
      status('Not sent: personal data could not be masked (' + e.message + ')', true);
      return;
    }
  }
  state.messages.push(message);
  await answer();
}

/**
 * The user's message with its personal data replaced by placeholders ([EMAIL_1], ...), the same
 * original always getting the same placeholder in a conversation. The server only says where the
 * data is; the originals stay in this page, for display.
 */
async function masked(text) {
  const found = await (await api('/cove/redact', { text })).json();
  const masks = [];
  let content = '';
  let at = 0;
  for (const s of found.spans) {
    const original = text.slice(s.start, s.end);
    const key = s.label + '\u0000' + original;
    let placeholder = state.placeholders.get(key);
    if (!placeholder) {
      let n = 0;
      do { n++; placeholder = '[' + s.label + '_' + n + ']'; } while (state.originals.has(placeholder) || text.includes(placeholder));
      state.placeholders.set(key, placeholder);
      state.originals.set(placeholder, original);
    }
    content += text.slice(at, s.start) + placeholder;
    masks.push({ start: s.start, end: s.end, label: s.label, placeholder });
    at = s.end;
  }
  content += text.slice(at);
  return { role: 'user', content, shown: text, masks };
}

/** OpenAI's response_format for the "Answer format" setting, or undefined for free text. */
function responseFormat() {
  const format = $('format').value;
  if (format === 'json_object') return { type: 'json_object' };
  if (format !== 'json_schema') return undefined;
  let schema;
  try {
    schema = JSON.parse($('schema').value);
  } catch (e) {
    throw new Error('The JSON schema in Settings is not valid JSON: ' + e.message);
  }
  return { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } };
}

async function answer() {
  const reply = { role: 'assistant', content: '', meta: { stats: '', stopped: false, toolCalls: [] } };
  state.messages.push(reply);
  state.controller = new AbortController();
  render();
  const view = lastMessageView();
  view.dataset.state = 'streaming';
  view.classList.add('streaming');
  setBusy(true);
  const started = performance.now();
  let firstToken = null;
  let usage = null;
  let finish = null;
  try {
    const format = responseFormat();
    if (format) reply.meta.structured = true;
    const response = await api('/v1/chat/completions', {
      response_format: format,
      model: $('model').value,
      messages: requestMessages().slice(0, -1),
      stream: true,
      stream_options: { include_usage: true },
      temperature: Number($('temperature').value),
      top_p: Number($('top-p').value),
      max_tokens: Number($('max-tokens').value),
    }, state.controller.signal);
    for await (const chunk of serverSentEvents(response)) {
      if (chunk.error) throw new Error(chunk.error.message || 'the server failed');
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices && chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta || {};
      if (delta.content) {
        if (firstToken === null) firstToken = performance.now();
        reply.content += delta.content;
        scheduleRender(view, reply);
      }
      for (const call of delta.tool_calls || []) mergeToolCall(reply.meta.toolCalls, call);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  } catch (e) {
    if (e.name === 'AbortError') {
      reply.meta.stopped = true;
    } else {
      reply.meta.error = e.message;
    }
  } finally {
    state.controller = null;
    const ended = performance.now();
    reply.meta.stats = stats(usage, firstToken ?? started, ended, finish);
    view.classList.remove('streaming');
    view.dataset.state = reply.meta.stopped ? 'stopped' : reply.meta.error ? 'error' : 'done';
    fillMessage(view, reply, state.messages.length - 1);
    setBusy(false);
    persist();
    $('input').focus();
  }
}

/** The parsed "data:" payloads of an SSE response, until [DONE]. */
async function* serverSentEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data: ')) continue; // comments are keep-alives
        const data = line.slice(6);
        if (data === '[DONE]') return;
        yield JSON.parse(data);
      }
    }
  }
}

function mergeToolCall(calls, delta) {
  const at = delta.index ?? 0;
  calls[at] = calls[at] || { id: '', type: 'function', function: { name: '', arguments: '' } };
  if (delta.id) calls[at].id = delta.id;
  if (delta.function && delta.function.name) calls[at].function.name += delta.function.name;
  if (delta.function && delta.function.arguments) calls[at].function.arguments += delta.function.arguments;
}

function stats(usage, first, ended, finish) {
  if (!usage) return '';
  const seconds = Math.max((ended - first) / 1000, 1e-3);
  const parts = [usage.completion_tokens + ' tokens', (usage.completion_tokens / seconds).toFixed(1) + ' tok/s'];
  const used = usage.prompt_tokens + usage.completion_tokens;
  parts.push(state.contextLength ? 'context ' + used + ' / ' + state.contextLength : 'context ' + used);
  if (finish === 'length') parts.push('stopped at the token limit');
  return parts.join(' · ');
}

function stop() {
  if (state.controller) state.controller.abort();
}

function regenerate() {
  if (state.controller) return;
  const last = state.messages[state.messages.length - 1];
  if (last && last.role === 'assistant') state.messages.pop();
  answer();
}

function edit(index) {
  if (state.controller) return;
  $('input').value = state.messages[index].shown ?? state.messages[index].content;
  state.messages.splice(index);
  render();
  autoGrow();
  $('input').focus();
}

function newChat() {
  stop();
  state.messages = [];
  state.placeholders.clear();
  state.originals.clear();
  setRedact(false);
  persist();
  render();
  $('input').focus();
}

// ------------------------------------------------------------------ rendering

function render() {
  const list = $('messages');
  list.replaceChildren(...state.messages.map((m, i) => {
    const li = document.createElement('li');
    li.className = 'message ' + m.role;
    fillMessage(li, m, i);
    return li;
  }));
  $('empty').hidden = state.messages.length > 0;
}

function lastMessageView() {
  return $('messages').lastElementChild;
}

function fillMessage(li, m, index) {
  const who = document.createElement('div');
  who.className = 'who';
  who.textContent = m.role === 'user' ? 'You' : 'Model';
  const body = document.createElement('div');
  body.className = 'body';
  if (m.role === 'user') {
    fillUserText(body, m); // the user's text, never interpreted as HTML
  } else {
    if (m.meta && m.meta.structured && !m.meta.error) {
      fillStructured(body, m.content);
    } else {
      body.innerHTML = markdown(m.content);
    }
    decorateCode(body);
    markPlaceholders(body);
  }
  const parts = [who, body];
  if (m.meta && m.meta.toolCalls && m.meta.toolCalls.length) {
    for (const call of m.meta.toolCalls) {
      const pre = document.createElement('div');
      pre.className = 'tool-call';
      pre.textContent = 'tool call ' + call.function.name + '(' + call.function.arguments + ')';
      parts.push(pre);
    }
  }
  const meta = document.createElement('div');
  meta.className = 'meta';
  if (m.role === 'assistant' && m.meta) {
    if (m.meta.stopped) meta.append(span('stopped', 'stopped'));
    if (m.meta.error) meta.append(span(m.meta.error, 'error'));
    if (m.meta.stats) meta.append(span(m.meta.stats));
    if (index === state.messages.length - 1 && !state.controller) meta.append(button('Regenerate', regenerate));
    if (m.content) meta.append(button('Copy', () => copy(m.content)));
  } else if (m.role === 'user') {
    meta.append(button('Edit', () => edit(index)));
  }
  parts.push(meta);
  li.replaceChildren(...parts);
}

/** The user's text; masked spans highlighted, each with the placeholder the model saw instead. */
function fillUserText(body, m) {
  if (!m.masks || !m.masks.length) {
    body.textContent = m.content;
    return;
  }
  const text = m.shown;
  const nodes = [];
  let at = 0;
  for (const s of m.masks) {
    nodes.push(document.createTextNode(text.slice(at, s.start)));
    const mark = document.createElement('mark');
    mark.className = 'masked';
    mark.textContent = text.slice(s.start, s.end);
    mark.title = s.label.toLowerCase().replace(/_/g, ' ') + ': the model saw ' + s.placeholder;
    const placeholder = span(s.placeholder, 'placeholder');
    placeholder.setAttribute('aria-label', 'masked as ' + s.placeholder);
    nodes.push(mark, placeholder);
    at = s.end;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  body.replaceChildren(...nodes);
}

/** In an answer, each placeholder of this conversation is shown marked, with its original on hover. */
function markPlaceholders(body) {
  if (!state.originals.size) return;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const node of texts) {
    const parts = node.textContent.split(/(\[[A-Z][A-Z0-9_]*_\d+\])/);
    if (parts.length === 1) continue;
    const nodes = parts.map((part) => {
      if (!state.originals.has(part)) return document.createTextNode(part);
      const mark = document.createElement('mark');
      mark.className = 'placeholder';
      mark.textContent = part;
      mark.title = state.originals.get(part);
      return mark;
    });
    node.replaceWith(...nodes);
  }
}

/** A structured answer as a highlighted JSON block, pretty-printed once it parses. */
function fillStructured(body, text) {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch (ignored) { /* still streaming, or cut at the token limit: show it as it is */ }
  const pre = document.createElement('pre');
  pre.className = 'structured';
  const code = document.createElement('code');
  code.className = 'language-json';
  code.textContent = shown;
  pre.append(code);
  body.replaceChildren(pre);
}

function setRedact(on) {
  state.redact = on;
  $('redact').checked = on;
  $('composer').classList.toggle('masking', on);
}

let renderPending = false;
function scheduleRender(view, reply) {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    const body = view.querySelector('.body');
    if (reply.meta.structured) fillStructured(body, reply.content); else body.innerHTML = markdown(reply.content);
    decorateCode(body);
    markPlaceholders(body);
    const main = $('chat');
    main.scrollTop = main.scrollHeight;
  });
}

/** Markdown to sanitized HTML: the model's text may hold HTML, which must not run. */
function markdown(text) {
  return DOMPurify.sanitize(marked.parse(text, { gfm: true, breaks: true }));
}

function decorateCode(body) {
  for (const block of body.querySelectorAll('pre > code')) {
    hljs.highlightElement(block);
    const copyButton = button('Copy', () => copy(block.textContent));
    copyButton.className = 'copy';
    copyButton.setAttribute('aria-label', 'Copy code');
    block.parentElement.append(copyButton);
  }
}

function span(text, cls) {
  const s = document.createElement('span');
  s.textContent = text;
  if (cls) s.className = cls;
  return s;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    status('Copied');
  } catch (e) {
    status('The browser refused the clipboard', true);
  }
}

function status(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', Boolean(isError));
}

function setBusy(busy) {
  $('send').hidden = busy;
  $('stop').hidden = !busy;
  $('model').disabled = busy;
}

// ------------------------------------------------------------------ settings, key, saving

function askForKey() {
  openSettings(true);
  $('api-key').focus();
}

function openSettings(open) {
  const panel = $('settings');
  panel.hidden = !open;
  $('toggle-settings').setAttribute('aria-expanded', String(open));
}

function persist() {
  if (localStorage.getItem(SAVE_FLAG) === '1') {
    localStorage.setItem(SAVED, JSON.stringify({ system: $('system').value, messages: state.messages,
      redact: state.redact, originals: [...state.originals], placeholders: [...state.placeholders] }));
  }
}

function restore() {
  const saving = localStorage.getItem(SAVE_FLAG) === '1';
  $('save').checked = saving;
  updateSaveNote();
  if (!saving) return;
  try {
    const saved = JSON.parse(localStorage.getItem(SAVED) || 'null');
    if (saved) {
      state.messages = saved.messages || [];
      $('system').value = saved.system || '';
      state.originals = new Map(saved.originals || []);
      state.placeholders = new Map(saved.placeholders || []);
      setRedact(Boolean(saved.redact));
    }
  } catch (ignored) { /* a damaged entry: start empty */ }
}

function updateSaveNote() {
  $('save-note').textContent = $('save').checked
    ? 'On: this conversation is kept in this browser\'s storage until you forget it.'
    : 'Off: nothing is written anywhere; closing the page forgets the conversation.';
}

function autoGrow() {
  const input = $('input');
  input.style.height = 'auto';
  input.style.height = Math.min(input.scrollHeight, 192) + 'px';
}

// ------------------------------------------------------------------ wiring

document.addEventListener('DOMContentLoaded', () => {
  restore();
  render();
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('input').value.trim();
    if (!text || state.controller) return;
    $('input').value = '';
    autoGrow();
    send(text);
  });
  $('input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('composer').requestSubmit();
    } else if (e.key === 'Escape') {
      stop();
    }
  });
  $('input').addEventListener('input', autoGrow);
  $('stop').addEventListener('click', stop);
  $('redact').addEventListener('change', () => {
    setRedact($('redact').checked);
    status(state.redact ? 'Masking personal data in this conversation' : 'Masking off for this conversation');
    persist();
  });
  $('new-chat').addEventListener('click', newChat);
  $('toggle-settings').addEventListener('click', () => openSettings($('settings').hidden));
  $('temperature').addEventListener('input', () => { $('temperature-value').value = $('temperature').value; });
  $('model').addEventListener('change', loadModelInfo);
  $('format').addEventListener('change', () => {
    const schema = $('format').value === 'json_schema';
    $('schema').hidden = !schema;
    $('schema-label').hidden = !schema;
  });
  $('api-key').addEventListener('change', () => { state.apiKey = $('api-key').value.trim(); loadModels(); });
  $('system').addEventListener('change', persist);
  $('save').addEventListener('change', () => {
    localStorage.setItem(SAVE_FLAG, $('save').checked ? '1' : '0');
    if ($('save').checked) persist(); else localStorage.removeItem(SAVED);
    updateSaveNote();
  });
  $('forget').addEventListener('click', () => {
    localStorage.removeItem(SAVED);
    localStorage.removeItem(SAVE_FLAG);
    $('save').checked = false;
    updateSaveNote();
    status('Saved conversations forgotten');
  });
  loadModels();
  $('input').focus();
});
