// An app's messages: filter, find one by its id or the producer's, and see every delivery and attempt.
import { get, post, query, enc } from '../api.js';
import { h, fill, time, badge, statusBadge, emptyState, pagedList, attemptView, render, field, toast, pretty, copyButton, table, crumbs } from '../ui.js';

/** The list's filters, as the page's URL carries them and the API takes them (times as RFC 3339). */
const FILTERS = ['event', 'status', 'endpoint', 'channel', 'since', 'until'];

export async function messagesPage({ args: [appId], params, portal }) {
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const order = params.get('order') === 'oldest' ? 'oldest' : 'newest'; // an operator looks for what just happened
  const [app, chosen] = await Promise.all([
    get(`/v1/apps/${enc(appId)}`),
    // the endpoint the URL filters by, to show its name (a deleted one is shown by its id)
    f.endpoint ? get(`/v1/apps/${enc(appId)}/endpoints/${enc(f.endpoint)}`).catch(() => ({ id: f.endpoint, url: f.endpoint })) : null,
  ]);
  const here = `#/apps/${enc(app.id)}/messages`;
  const filtered = FILTERS.some((k) => f[k]);
  const rows = (data) => table([
    ['Created', (m) => time(m.created_at)],
    ['Event', (m) => h('code', {}, m.event)],
    ['Message', (m) => h('a', { href: `#/apps/${enc(app.id)}/messages/${enc(m.id)}` }, m.id)],
    ['Producer id', (m) => m.event_id || '—'],
    ['Channels', (m) => (m.channels || []).join(', ') || '—'],
    ['Deliveries', (m) => deliveryCounts(m.delivery_counts)],
  ], data, { class: 'messages' });
  // The list is drawn on its own, so a filter the API refuses shows its error under a form that can fix it.
  const list = h('div', { class: 'card', 'aria-label': 'Messages' });
  render(list, () => pagedList((after) => get(`/v1/apps/${enc(app.id)}/messages` + query({ ...f, order, limit: 50, after })), rows,
    filtered ? emptyState('No messages match these filters.', h('a', { href: here }, 'Clear the filters'))
      : emptyState('No messages yet: send one with POST /v1/apps/{app}/messages.')));

  const select = (name, label, options, value) => field(label, h('select', { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
  const filters = h('form', { class: 'card', 'aria-label': 'Filter messages' }, h('div', { class: 'filter-grid' },
    field('Event type', h('input', { name: 'event', value: f.event, placeholder: 'invoice.paid or invoice.*' })),
    select('status', 'Delivery status', [['', 'Any'], ['pending', 'Pending'], ['delivered', 'Delivered'], ['failed', 'Failed']], f.status),
    // not a <label>: the picker holds buttons as well as its field
    h('div', { class: 'field' }, h('span', {}, 'Endpoint'), endpointPicker(app, chosen)),
    field('Channel', h('input', { name: 'channel', value: f.channel, placeholder: 'project-42' })),
    field('From', h('input', { name: 'since', type: 'datetime-local', step: 1, value: localInput(f.since) })),
    field('To', h('input', { name: 'until', type: 'datetime-local', step: 1, value: localInput(f.until) })),
    select('order', 'Order', [['newest', 'Newest first'], ['oldest', 'Oldest first']], order)),
  h('div', { class: 'actions' },
    h('button', { type: 'submit' }, 'Filter'),
    h('span', { class: 'hint' }, 'Created in the'),
    [['1 h', 3600], ['24 h', 86400], ['7 d', 604800]].map(([label, s]) =>
      h('a', { href: here + query({ ...f, since: new Date(Date.now() - s * 1000).toISOString(), until: '', order: order === 'oldest' ? order : '' }) },
        `last ${label}`)),
    filtered ? [h('span', { class: 'spacer' }), h('a', { href: here }, 'Clear the filters')] : null));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (name) => filters.elements[name].value.trim();
    location.hash = here + query({ event: v('event'), status: v('status'), endpoint: v('endpoint'), channel: v('channel'),
      since: isoTime(v('since')), until: isoTime(v('until')), order: v('order') === 'oldest' ? 'oldest' : '' });
  });
  const finder = h('form', { class: 'actions finder', 'aria-label': 'Find a message' },
    h('input', { name: 'id', required: true, placeholder: 'msg_… or the producer\'s id', class: 'mono', 'aria-label': 'Message id' }),
    h('button', { type: 'submit', class: 'secondary' }, 'Open'));
  finder.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/apps/${enc(app.id)}/messages/${enc(finder.elements.id.value.trim())}`;
  });

  return h('section', { class: 'page' },
    h('header', { class: 'page-head' },
      h('div', {}, crumbs(portal, app), h('h1', {}, 'Messages')), finder),
    filters,
    list);
}

const epName = (ep) => ep.name ? `${ep.name} (${ep.url || ep.id})` : ep.url || ep.id;

/**
 * The endpoint filter: a type-ahead over the API's own search (GET …/endpoints?search=), so any of an
 * app's endpoints can be picked however many it has. The chosen endpoint's id is the form's `endpoint`;
 * text typed and not picked goes as it is (an id pasted in), and the API says if it is wrong.
 */
function endpointPicker(app, chosen) {
  const value = h('input', { type: 'hidden', name: 'endpoint', value: chosen ? chosen.id : '' });
  const list = h('ul', { class: 'suggestions', role: 'listbox', id: 'endpoint-suggestions', hidden: true });
  const input = h('input', { type: 'search', name: 'endpoint_search', autocomplete: 'off', placeholder: 'Any: type to search',
    role: 'combobox', 'aria-label': 'Endpoint', 'aria-autocomplete': 'list', 'aria-controls': list.id, 'aria-expanded': 'false',
    value: chosen ? epName(chosen) : '' });
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };
  const choose = (ep) => {
    value.value = ep.id;
    input.value = epName(ep);
    close();
    input.focus();
  };
  let asked = 0;
  let pause = null;
  const suggest = async () => {
    const mine = ++asked;
    const text = input.value.trim();
    value.value = text; // until one is picked
    if (!text) return close();
    let page;
    try {
      page = await get(`/v1/apps/${enc(app.id)}/endpoints` + query({ search: text, limit: 20 }));
    } catch (e) {
      page = { data: [], error: e };
    }
    if (mine !== asked) return; // a later keystroke asked since: its answer is the one to show
    fill(list,
      page.data.map((ep) => h('li', { role: 'option' }, h('button', { type: 'button', onclick: () => choose(ep) },
        ep.name || ep.url || ep.id, ep.name ? h('span', { class: 'sub' }, ep.url || ep.id) : null))),
      page.error ? h('li', { class: 'hint' }, page.error.message)
        : page.data.length === 0 ? h('li', { class: 'hint' }, 'No endpoint matches.')
          : page.next ? h('li', { class: 'hint' }, 'More match: type more of the name or URL.') : null);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };
  input.addEventListener('input', () => {
    clearTimeout(pause);
    pause = setTimeout(suggest, 150); // one request per pause in typing, not per key
  });
  const picker = h('div', { class: 'picker' }, input, value, list);
  picker.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  picker.addEventListener('focusout', (e) => {
    if (!picker.contains(e.relatedTarget)) close();
  });
  return picker;
}

/** "2 delivered · 1 failed": where a listed message's deliveries stand. */
function deliveryCounts(c) {
  if (!c) return '—';
  const parts = [['delivered', 'ok'], ['pending', 'warn'], ['failed', 'bad']].filter(([k]) => c[k] > 0)
    .map(([k, kind]) => badge(`${c[k]} ${k}`, kind));
  return parts.length ? h('span', { class: 'actions' }, parts) : h('span', { class: 'hint' }, 'no endpoint');
}

/** A datetime-local field's value (the browser's local time) as RFC 3339 UTC; '' stays ''. */
function isoTime(local) {
  if (!local) return '';
  const d = new Date(local);
  return isNaN(d) ? local : d.toISOString(); // left as typed, the API names what is wrong with it
}

/** RFC 3339 as a datetime-local field's value, in the browser's local time. */
function localInput(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || isNaN(d)) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export async function messagePage({ args: [appId, msgId], portal, readOnly }) {
  const base = `/v1/apps/${enc(appId)}/messages/${enc(msgId)}`;
  const [app, msg] = await Promise.all([get(`/v1/apps/${enc(appId)}`), get(base)]);
  const endpoints = new Map();
  await Promise.all(msg.deliveries.map(async (d) => {
    try {
      endpoints.set(d.endpoint_id, await get(`/v1/apps/${enc(app.id)}/endpoints/${enc(d.endpoint_id)}`));
    } catch {
      // a deleted endpoint: its deliveries are still shown, by id
    }
  }));
  const attempts = h('div', {});
  const deliveries = h('div', {});
  const refresh = async () => {
    const fresh = await get(base);
    fill(deliveries, deliveryTable(fresh.deliveries));
    await renderAttempts(attempts, base, endpoints, msg);
  };

  function deliveryTable(list) {
    if (list.length === 0) return emptyState('No endpoint was subscribed to this message.');
    return table([
      ['Endpoint', (d) => {
        const ep = endpoints.get(d.endpoint_id);
        return h('a', { href: `#/apps/${enc(app.id)}/endpoints/${enc(d.endpoint_id)}` }, ep ? ep.name || ep.url : d.endpoint_id);
      }],
      ['Status', (d) => statusBadge(d.status)],
      ['Attempts', (d) => String(d.attempts)],
      ['Next attempt', (d) => d.next_attempt_at ? time(d.next_attempt_at) : '—'],
      ['', (d) => readOnly ? null : h('button', { type: 'button', class: 'secondary small', onclick: (e) => resend(e.target, d) }, 'Resend')],
    ], list, { class: 'deliveries' });
  }

  async function resend(button, d) {
    button.disabled = true;
    try {
      const before = (await get(base + '/attempts?limit=250')).data.filter((a) => a.endpoint_id === d.endpoint_id).length;
      await post(`${base}/endpoints/${enc(d.endpoint_id)}/resend`, {});
      toast('Queued again');
      await refresh();
      const deadline = Date.now() + 30000;
      while (Date.now() < deadline) {
        const now = (await get(base + '/attempts?limit=250')).data.filter((a) => a.endpoint_id === d.endpoint_id).length;
        if (now > before) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await refresh();
    } catch (e) {
      toast(e.message, 'bad');
    } finally {
      button.disabled = false;
    }
  }

  fill(deliveries, deliveryTable(msg.deliveries));
  renderAttempts(attempts, base, endpoints, msg);
  const payload = msg.data === null ? null : pretty(msg.data);
  return h('section', { class: 'page message' },
    h('header', { class: 'page-head' },
      h('div', {}, crumbs(portal, app, h('a', { href: `#/apps/${enc(app.id)}/messages` }, 'Messages')),
        h('h1', {}, h('code', {}, msg.event)))),
    h('div', { class: 'split' },
      h('div', { class: 'card' }, h('h2', {}, 'Message'), h('dl', { class: 'kv' },
        h('dt', {}, 'ID'), h('dd', {}, h('code', {}, msg.id)),
        h('dt', {}, 'Producer id'), h('dd', {}, msg.event_id || '—'),
        h('dt', {}, 'Event'), h('dd', {}, msg.event),
        h('dt', {}, 'Channels'), h('dd', {}, (msg.channels || []).join(', ') || '—'),
        h('dt', {}, 'Created'), h('dd', {}, time(msg.created_at)))),
      h('div', { class: 'card' }, h('div', { class: 'page-head' }, h('h2', {}, 'Payload'), payload ? copyButton(payload) : null),
        payload ? h('pre', { class: 'payload' }, payload) : emptyState('The payload was deleted (retention or a delete of its content).'))),
    h('div', { class: 'card' }, h('h2', {}, 'Deliveries'), deliveries),
    h('div', { class: 'card' }, h('div', { class: 'page-head' }, h('h2', {}, 'Attempts'),
      h('button', { type: 'button', class: 'secondary small', onclick: refresh }, 'Refresh')), attempts));
}

/** Every attempt, with the headers the request carried, the response and the time it took. */
function renderAttempts(el, base, endpoints, msg) {
  const rows = (data) => data.map((a) => {
    const ep = endpoints.get(a.endpoint_id);
    return attemptView(a, h('span', { class: 'hint' }, ep ? ep.name || ep.url : a.endpoint_id),
      ep ? h('details', {}, h('summary', {}, 'Request headers'), h('pre', {}, requestHeaders(ep, msg, a))) : null,
      h('details', {}, h('summary', {}, 'Response body'), h('pre', {}, a.response_body ? pretty(a.response_body) : '(empty)')));
  });
  return render(el, () => pagedList((after) => get(base + '/attempts' + query({ limit: 50, after })), rows, emptyState('No attempts yet.')));
}

/** The headers an attempt's request carried, from the endpoint's settings (signatures are not stored, so not shown). */
function requestHeaders(ep, msg, a) {
  const lines = ['Content-Type: application/json', `webhook-id: ${msg.id}`, 'webhook-timestamp: <the attempt\'s unix time>',
    `${ep.delivery_headers.signature}: <signature>`];
  if (ep.delivery_headers.event) lines.push(`${ep.delivery_headers.event}: ${msg.event}`);
  if (ep.delivery_headers.id) lines.push(`${ep.delivery_headers.id}: ${msg.id}`);
  if (ep.delivery_headers.attempt) lines.push(`${ep.delivery_headers.attempt}: ${a.attempt}`);
  if (ep.delivery_headers.timestamp) lines.push(`${ep.delivery_headers.timestamp}: <unix time>`);
  for (const [k, v] of Object.entries(ep.headers || {})) lines.push(`${k}: ${v}`);
  return lines.join('\n');
}
