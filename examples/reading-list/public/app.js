/**
 * The reading list in the browser, built only on the HTTP API under `/v1`: signs in with
 * HTTP Basic, lists, adds, updates and deletes articles with `If-Match` preconditions, and
 * stays in sync by polling `_since` the last ETag it saw.
 *
 * Every request that changes the local list runs through one queue, so a poll never
 * overwrites a newer answer to a click.
 *
 * @module
 */

const API = '/v1';
const POLL_MS = 2000;
const PAGE_SIZE = 500;
const SESSION_KEY = 'reading-list.session';
const CONFLICT = 'This article was changed elsewhere — reloaded';

/** The `_sort` of each sort choice; the server ends every order with `-last_modified,id`. */
const SORTS = { newest: '-stored_on', oldest: 'stored_on', title: 'title' };
/** The API filter of each view, and the same test for records that change while shown. */
const FILTERS = {
  all: { query: {}, matches: () => true },
  unread: { query: { unread: 'true' }, matches: (article) => article.unread === true },
  favorites: { query: { favorite: 'true' }, matches: (article) => article.favorite === true },
};
const EMPTY = {
  all: 'Your list is empty. Add an article above.',
  unread: 'Nothing left to read.',
  favorites: 'No favourites yet.',
};
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const $ = (id) => document.getElementById(id);

const state = {
  /** `{ user, header }` while signed in. */
  auth: null,
  filter: 'all',
  sort: 'newest',
  /** The shown articles by id: those matching the filter. */
  articles: new Map(),
  /** The list item shown for each article id, and the `last_modified` it shows. */
  items: new Map(),
  /** The collection ETag the list is in sync with, e.g. `"1795541485998"`. */
  etag: null,
  polling: false,
  /** Whether the last poll could not reach the server. */
  offline: false,
  queue: Promise.resolve(),
};

/** Runs `task` after every task queued before it; resolves or rejects with its result. */
function enqueue(task) {
  const run = state.queue.then(task);
  state.queue = run.catch(() => {});
  return run;
}

/** Runs a queued task for a user action and shows its error, if any. */
function act(task) {
  enqueue(task).catch(report);
}

class SignedOut extends Error {}

/**
 * `fetch` with the credentials, resolving to `{ status, ok, headers, body }` with the JSON
 * body read. Throws `SignedOut` on a 401, or when the user signed out meanwhile, so that
 * no answer for one user ever reaches the list of another.
 */
async function request(url, { method = 'GET', headers = {}, data } = {}) {
  const auth = state.auth;
  if (!auth) throw new SignedOut();
  const response = await fetch(url, {
    method,
    headers: {
      Accept: 'application/json',
      Authorization: auth.header,
      ...(data ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: data ? JSON.stringify({ data }) : undefined,
  });
  const body = response.status === 304 ? null : await response.json().catch(() => null);
  if (state.auth !== auth) throw new SignedOut();
  if (response.status === 401) {
    signOut('The server refused these credentials: sign in again.');
    throw new SignedOut();
  }
  return { status: response.status, ok: response.ok, headers: response.headers, body };
}

/** The error envelope of a failed answer, as an `Error` carrying its `details`. */
function apiError({ status, body }) {
  const error = new Error(body?.message ?? `The server answered ${status}`);
  error.details = body?.details;
  return error;
}

/** Fetches every page from `url`; resolves to the records and the first page's ETag. */
async function fetchAll(url, headers = {}) {
  const records = [];
  let etag = null;
  let next = url;
  while (next) {
    const response = await request(next, { headers: etag ? {} : headers });
    if (response.status === 304) return null;
    if (!response.ok) throw apiError(response);
    etag ??= response.headers.get('ETag');
    records.push(...response.body.data);
    next = response.headers.get('Next-Page');
  }
  return { records, etag };
}

async function loadList() {
  const query = new URLSearchParams({
    ...FILTERS[state.filter].query,
    _sort: SORTS[state.sort],
    _limit: String(PAGE_SIZE),
  });
  $('articles').setAttribute('aria-busy', 'true');
  try {
    const { records, etag } = await fetchAll(`${API}/articles?${query}`);
    state.articles = new Map(records.map((article) => [article.id, article]));
    state.etag = etag;
    render();
  } finally {
    $('articles').setAttribute('aria-busy', 'false');
  }
}

/** Applies what changed since the last ETag, tombstones included; nothing on 304. */
async function poll() {
  if (!state.auth || !state.etag) return;
  const since = state.etag.replaceAll('"', '');
  const changes = await fetchAll(`${API}/articles?_since=${since}&_limit=${PAGE_SIZE}`, {
    'If-None-Match': state.etag,
  });
  if (!changes) return;
  for (const record of changes.records) apply(record);
  state.etag = changes.etag;
  render();
}

/** Puts a record (or a tombstone) into the local list. */
function apply(record) {
  if (record.deleted || !FILTERS[state.filter].matches(record)) state.articles.delete(record.id);
  else state.articles.set(record.id, record);
}

async function add(title, url) {
  const response = await request(`${API}/articles`, { method: 'POST', data: { title, url } });
  if (!response.ok) {
    showFormErrors(response.status, apiError(response));
    return;
  }
  const { data } = response.body;
  apply(data);
  render();
  $('add-form').reset();
  say(`Added “${data.title}”.`);
}

/** PATCH or DELETE `article` only if it is still the version shown; a 412 reloads it. */
async function write(article, method, data) {
  const response = await request(`${API}/articles/${article.id}`, {
    method,
    headers: { 'If-Match': `"${article.last_modified}"` },
    data,
  });
  if (response.status === 412) return reload(article.id);
  if (!response.ok) throw apiError(response);
  apply(response.body.data);
  render();
}

async function reload(id) {
  const response = await request(`${API}/articles/${id}`);
  if (response.status === 404) apply({ id, deleted: true });
  else if (response.ok) apply(response.body.data);
  else throw apiError(response);
  render();
  say(CONFLICT, 'conflict');
}

/** Shows the articles in order, rebuilding only the items whose record changed. */
function render() {
  const list = $('articles');
  const focused = document.activeElement?.closest('[data-id] [data-action]');
  const restore = focused && {
    id: focused.closest('[data-id]').dataset.id,
    action: focused.dataset.action,
  };
  for (const [id, { element }] of state.items) {
    if (!state.articles.has(id)) {
      element.remove();
      state.items.delete(id);
    }
  }
  const articles = [...state.articles.values()].sort(compareArticles);
  let cursor = list.firstElementChild;
  for (const article of articles) {
    let item = state.items.get(article.id);
    if (item?.version !== article.last_modified) {
      const element = articleItem(article);
      if (item) {
        item.element.replaceWith(element);
        if (cursor === item.element) cursor = element;
      }
      item = { version: article.last_modified, element };
      state.items.set(article.id, item);
    }
    if (item.element === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(item.element, cursor);
  }
  if (restore) {
    list
      .querySelector(`[data-id="${CSS.escape(restore.id)}"] [data-action="${restore.action}"]`)
      ?.focus();
  }
  $('count').textContent = `(${articles.length})`;
  $('empty').hidden = articles.length > 0;
  $('empty').textContent = EMPTY[state.filter];
}

/** The server's order: the chosen field, then `-last_modified`, then `id`. */
function compareArticles(a, b) {
  const sort = SORTS[state.sort];
  const field = sort.replace(/^-/, '');
  const direction = sort.startsWith('-') ? -1 : 1;
  return (
    direction * compareValues(a[field], b[field]) ||
    -compareValues(a.last_modified, b.last_modified) ||
    compareValues(a.id, b.id)
  );
}

function compareValues(a, b) {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return a < b ? -1 : 1;
}

/** Builds an element: `attributes` become attributes, `children` strings or nodes. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  element.append(...children);
  return element;
}

function articleItem(article) {
  const titleId = `title-${article.id}`;
  const item = h(
    'li',
    { class: article.unread ? 'article' : 'article is-read', 'data-id': article.id },
    h(
      'h3',
      {},
      h('a', { id: titleId, href: safeHref(article.url), rel: 'noreferrer' }, article.title),
    ),
    h('p', { class: 'details' }, ...articleDetails(article)),
  );
  if (article.excerpt) item.append(h('p', { class: 'excerpt' }, article.excerpt));
  const tags = article.tags?.length
    ? h(
        'ul',
        { class: 'tags', 'aria-label': 'Tags' },
        ...article.tags.map((tag) => h('li', {}, tag)),
      )
    : '';
  item.append(h('div', { class: 'article-foot' }, tags, articleActions(article, titleId)));
  return item;
}

/** Read state, site, author, reading time and the date it was stored. */
function articleDetails(article) {
  const details = [
    h(
      'span',
      { class: article.unread ? 'badge unread' : 'badge' },
      article.unread ? 'Unread' : 'Read',
    ),
  ];
  const host = hostOf(article.url);
  if (host) details.push(h('span', { class: 'host' }, host));
  if (article.author?.name) details.push(h('span', {}, article.author.name));
  if (article.word_count) {
    details.push(h('span', {}, `${Math.ceil(article.word_count / 230)} min read`));
  }
  if (article.stored_on) {
    const stored = new Date(article.stored_on);
    details.push(h('time', { datetime: stored.toISOString() }, dateFormat.format(stored)));
  }
  return details;
}

/** The buttons of an article; each is described by its title for screen readers. */
function articleActions(article, titleId) {
  const button = (action, attributes, ...content) =>
    h(
      'button',
      { type: 'button', 'data-action': action, 'aria-describedby': titleId, ...attributes },
      ...content,
    );
  return h(
    'div',
    { class: 'actions' },
    button('read', {}, article.unread ? 'Mark read' : 'Mark unread'),
    button(
      'favorite',
      { class: 'favorite', 'aria-pressed': article.favorite === true },
      h('span', { 'aria-hidden': 'true' }, article.favorite ? '★ ' : '☆ '),
      'Favourite',
    ),
    button('delete', { class: 'danger' }, 'Delete'),
  );
}

function hostOf(url) {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** Only http(s) links become links. */
function safeHref(url) {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

function showFormErrors(status, error) {
  if (status === 409) {
    const existing = error.details?.existing;
    fieldError('url', existing ? `Already in your list as “${existing.title}”.` : error.message);
    return;
  }
  const details = Array.isArray(error.details) ? error.details : [];
  const unplaced = [];
  for (const { name, description } of details) {
    if (name === 'title' || name === 'url') fieldError(name, description);
    else unplaced.push(`${name}: ${description}`);
  }
  if (details.length === 0) unplaced.push(error.message);
  $('add-error').textContent = unplaced.join('; ');
}

function fieldError(name, text) {
  $(`new-${name}`).setAttribute('aria-invalid', 'true');
  $(`${name}-error`).append(h('span', {}, text));
}

function clearFormErrors() {
  for (const name of ['title', 'url']) {
    $(`new-${name}`).removeAttribute('aria-invalid');
    $(`${name}-error`).replaceChildren();
  }
  $('add-error').textContent = '';
}

let messageTimer;
/** Shows `text` in the live region; `kind` is `info`, `error` or `conflict`. */
function say(text, kind = 'info') {
  const message = $('message');
  message.textContent = text;
  message.className = `message ${kind}`;
  clearTimeout(messageTimer);
  if (kind === 'info') messageTimer = setTimeout(() => say(''), 5000);
}

function report(error) {
  if (error instanceof SignedOut) return;
  say(error instanceof TypeError ? 'The server cannot be reached.' : error.message, 'error');
}

function toBase64(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function signIn(auth) {
  state.auth = auth;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(auth));
  $('account-name').textContent = auth.user;
  $('account').hidden = false;
  $('sign-in').hidden = true;
  $('library').hidden = false;
  act(loadList);
}

function signOut(text = 'Signed out.') {
  state.auth = null;
  state.etag = null;
  state.articles = new Map();
  render();
  sessionStorage.removeItem(SESSION_KEY);
  $('account').hidden = true;
  $('library').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-form').reset();
  say(text);
  $('username').focus();
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const user = $('username').value.trim();
  const password = $('password').value;
  signIn({ user, header: `Basic ${toBase64(`${user}:${password}`)}` });
});

$('sign-out').addEventListener('click', () => signOut());

$('add-form').addEventListener('submit', (event) => {
  event.preventDefault();
  clearFormErrors();
  const title = $('new-title').value.trim();
  const url = $('new-url').value.trim();
  act(() => add(title, url));
});

/** What each button of an article does. */
const ACTIONS = {
  read: (article) => write(article, 'PATCH', { unread: !article.unread }),
  favorite: (article) => write(article, 'PATCH', { favorite: !article.favorite }),
  delete: (article) => write(article, 'DELETE'),
};

$('articles').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const id = button.closest('[data-id]').dataset.id;
  act(() => {
    const article = state.articles.get(id);
    return article && ACTIONS[button.dataset.action](article);
  });
});

for (const radio of document.querySelectorAll('input[name="filter"]')) {
  radio.addEventListener('change', () => {
    state.filter = radio.value;
    act(loadList);
  });
}

$('sort').addEventListener('change', (event) => {
  state.sort = event.target.value;
  act(loadList);
});

setInterval(() => {
  if (!state.auth || state.polling) return;
  state.polling = true;
  enqueue(poll)
    .then(() => {
      if (state.offline) say('Back online.');
      state.offline = false;
    })
    .catch((error) => {
      state.offline = error instanceof TypeError;
      if (state.offline) say('The server cannot be reached. Retrying…', 'error');
      else report(error);
    })
    .finally(() => {
      state.polling = false;
    });
}, POLL_MS);

const saved = sessionStorage.getItem(SESSION_KEY);
if (saved) signIn(JSON.parse(saved));
