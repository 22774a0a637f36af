// Small DOM building blocks. Text from the API is always set as text, never parsed as HTML,
// so a response body or an endpoint name cannot inject markup into the dashboard.

/** h('a', {href, class, onclick}, child, …): an element; strings become text nodes, arrays are flattened. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 min ago", "in 20 s". */
export function ago(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 172800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

export function percent(rate) {
  return rate === null || rate === undefined ? '—' : (rate * 100).toFixed(rate >= 0.999 || rate === 0 ? 0 : 1) + ' %';
}

export function ms(value) {
  return value === null || value === undefined ? '—' : value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind}` }, text);
}

/** A status badge for a delivery or attempt status, or an endpoint's circuit. */
export function statusBadge(status) {
  const kind = { delivered: 'ok', succeeded: 'ok', closed: 'ok', enabled: 'ok', pending: 'warn', half_open: 'warn', failing: 'warn',
    failed: 'bad', open: 'bad', disabled: 'bad' }[status] || 'muted';
  return badge(status.replace('_', '-'), kind);
}

export function copyButton(text, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'small', 'data-copy': '' }, label);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      // Clipboard access needs a secure context (https or localhost); select the text for a manual copy instead.
      const field = b.previousElementSibling;
      if (field && field.select) field.select();
      b.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => (b.textContent = label), 1500);
  });
  return b;
}

/** A secret shown once: the value, a copy button and the warning that it will not be shown again. */
export function secretOnce(title, value) {
  return h('div', { class: 'secret-once', role: 'status' },
    h('strong', {}, title),
    h('div', { class: 'copy-row' }, h('input', { class: 'mono', readonly: true, value, 'aria-label': title }), copyButton(value)),
    h('p', { class: 'hint' }, 'Copy it now: it is shown once and cannot be read again.'));
}

/** Loading, error and empty states. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'state loading' }, text);
}

export function errorState(error, retry) {
  return h('div', { class: 'state error', role: 'alert' },
    h('strong', {}, error.status ? `Error ${error.status}` : 'Error'), ' ', error.message,
    retry ? h('button', { type: 'button', class: 'small', onclick: retry }, 'Try again') : null);
}

export function emptyState(text, action) {
  return h('div', { class: 'state empty' }, h('p', {}, text), action);
}

/** Renders what `load` resolves to into `el`, with a loading state first and an error state on failure. */
export async function render(el, load) {
  fill(el, loading());
  try {
    const content = await load();
    fill(el, content);
  } catch (e) {
    fill(el, errorState(e, () => render(el, load)));
  }
}

/** A table; `columns` are [header, row => cell]. */
export function table(columns, rows, props = {}) {
  return h('table', props,
    h('thead', {}, h('tr', {}, columns.map(([title]) => h('th', {}, title)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

export function toast(text, kind = 'ok') {
  let box = document.querySelector('.toasts');
  if (!box) document.body.append((box = h('div', { class: 'toasts', 'aria-live': 'polite' })));
  const t = h('div', { class: `toast ${kind}` }, text);
  box.append(t);
  setTimeout(() => t.remove(), 4000);
}

/** Pretty JSON of a value, or of a string that holds JSON; other strings as they are. */
export function pretty(value) {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** A "load more" control for cursor-paginated lists: calls `more(next)` and appends what it returns. */
export function pager(next, more) {
  if (!next) return null;
  const b = h('button', { type: 'button', class: 'secondary' }, 'Load more');
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      b.replaceWith(await more(next));
    } catch (e) {
      b.replaceWith(errorState(e));
    }
  });
  return b;
}

/**
 * A cursor-paginated list: the first page drawn by rows(), then "Load more" for each next one; `empty`
 * when there is none. A table grows by its rows, so its pages read as one list under one header.
 */
export async function pagedList(load, rows, empty) {
  const first = await load(null);
  if (first.data.length === 0) return empty;
  const list = rows(first.data);
  const more = async (after) => {
    const next = await load(after);
    const drawn = rows(next.data);
    const button = pager(next.next, more);
    if (list instanceof HTMLTableElement && drawn instanceof HTMLTableElement) {
      list.tBodies[0].append(...[...drawn.tBodies[0].rows]);
      return button || document.createTextNode('');
    }
    return h('div', {}, drawn, button);
  };
  return h('div', {}, list, pager(first.next, more));
}

/** One delivery attempt: outcome, HTTP status, duration, when; `label` and `details` added by the page. */
export function attemptView(a, label, ...details) {
  return h('div', { class: 'attempt', dataset: { attempt: a.id } },
    h('div', { class: 'actions' }, statusBadge(a.status), h('strong', {}, a.status_code === null ? 'no response' : `HTTP ${a.status_code}`),
      h('span', {}, ms(a.duration_ms)), h('span', { class: 'hint' }, `attempt ${a.attempt} · ${time(a.created_at)}`), label),
    a.error ? h('p', { class: 'hint' }, a.error) : null,
    details);
}

/**
 * What a save answered besides success: the API's `warnings` (say, events no event type declares). The
 * change is saved; the notice stays on the page until the next one, so it can be read and acted on.
 */
export function warningsNotice(title, warnings) {
  return h('div', { class: 'notice warn', role: 'status' }, h('strong', {}, title),
    h('ul', {}, warnings.map((w) => h('li', {}, w))));
}

/** Shows the API's error on a form: the message at the top, the named field marked. */
export function formError(form, error) {
  form.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
  const box = form.querySelector('.form-error');
  fill(box, error.message);
  box.hidden = false;
  const field = error.field && form.querySelector(`[name="${error.field}"]`);
  if (field) {
    field.classList.add('invalid');
    field.focus();
  }
}

export function clearFormError(form) {
  form.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
  const box = form.querySelector('.form-error');
  if (box) box.hidden = true;
}

/** "Apps / {app} / …" above a page title; a portal has no list of apps to go back to. */
export function crumbs(portal, app, ...rest) {
  return h('p', { class: 'crumbs' }, portal ? null : [h('a', { href: '#/apps' }, 'Apps'), ' / '],
    app ? [h('a', { href: `#/apps/${encodeURIComponent(app.id)}` }, app.name), ' / '] : null,
    rest.map((r) => [r, ' / ']));
}

/** A labelled form field. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', { class: 'hint' }, hint) : null);
}
