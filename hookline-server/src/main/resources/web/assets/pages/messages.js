// An app's messages: filter, find one by its id or the producer's, and see every delivery and attempt.
import { get, post, query, enc } from '../api.js';
import { h, fill, time, statusBadge, emptyState, pagedList, attemptView, render, field, toast, pretty, copyButton, table, crumbs } from '../ui.js';

export async function messagesPage({ args: [appId], params, portal }) {
  const event = params.get('event') || '';
  const app = await get(`/v1/apps/${enc(appId)}`);
  const rows = (data) => table([
    ['Created', (m) => time(m.created_at)],
    ['Event', (m) => h('code', {}, m.event)],
    ['Message', (m) => h('a', { href: `#/apps/${enc(app.id)}/messages/${enc(m.id)}` }, m.id)],
    ['Producer id', (m) => m.event_id || '—'],
    ['Channels', (m) => (m.channels || []).join(', ') || '—'],
  ], data, { class: 'messages' });
  const list = await pagedList((after) => get(`/v1/apps/${enc(app.id)}/messages` + query({ event, limit: 50, after })), rows,
    emptyState(event ? `No messages of event '${event}'.` : 'No messages yet: send one with POST /v1/apps/{app}/messages.'));

  const filters = h('form', { class: 'card filters', 'aria-label': 'Filter messages' },
    field('Event type', h('input', { name: 'event', value: event, placeholder: 'invoice.paid' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
    event ? h('a', { href: `#/apps/${enc(app.id)}/messages` }, 'Clear') : null);
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/apps/${enc(app.id)}/messages` + query({ event: filters.event.value.trim() });
  });
  const finder = h('form', { class: 'card filters', 'aria-label': 'Find a message' },
    field('Find by id', h('input', { name: 'id', required: true, placeholder: 'msg_… or the producer\'s id', class: 'mono' })),
    h('button', { type: 'submit', class: 'secondary' }, 'Open'));
  finder.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/apps/${enc(app.id)}/messages/${enc(finder.id.value.trim())}`;
  });

  return h('section', { class: 'page' },
    h('header', { class: 'page-head' },
      h('div', {}, crumbs(portal, app), h('h1', {}, 'Messages'))),
    h('div', { class: 'split' }, filters, finder),
    h('div', { class: 'card' }, list));
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
