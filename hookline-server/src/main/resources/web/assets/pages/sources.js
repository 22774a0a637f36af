// Inbound sources: the URL third parties post to, how posts are verified, the inbound log and replay.
import { get, post, patch, query, enc } from '../api.js';
import { h, fill, time, table, emptyState, pagedList, secretOnce, formError, clearFormError, field, toast, pretty, copyButton,
  badge, render } from '../ui.js';

export async function sourcesPage() {
  const rows = (data) => table([
    ['Name', (s) => h('a', { href: `#/sources/${enc(s.id)}` }, s.name)],
    ['Receive URL', (s) => h('code', {}, s.url)],
    ['Verification', (s) => s.verification.scheme + (s.api_key_required ? ' + API key' : '')],
    ['State', (s) => s.enabled ? badge('enabled', 'ok') : badge('disabled', 'bad')],
  ], data, { class: 'sources' });
  const list = await pagedList((after) => get('/v1/sources' + query({ limit: 50, after })), rows,
    emptyState('No sources yet: a source is a URL a third party posts its webhooks to. Create one below.'));
  const created = h('div', {});
  const form = h('form', { class: 'card', 'aria-label': 'Create a source' }, h('h2', {}, 'Create a source'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' },
      field('Name', h('input', { name: 'name', required: true, placeholder: 'Payments provider' })),
      field('Signature', h('select', { name: 'scheme' }, ['none', 'prefixed', 'hex', 'timestamped', 'standard'].map((s) => h('option', { value: s }, s)))),
      field('Forward to app (optional)', h('input', { name: 'forward_app', placeholder: 'app id or uid' }), 'each event becomes a message of that app')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'api_key_required' }), ' Require an API key'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create source')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = { name: form.name.value.trim(), verification: { scheme: form.scheme.value }, api_key_required: form.api_key_required.checked };
    if (form.forward_app.value.trim()) body.forward = { app: form.forward_app.value.trim() };
    try {
      const s = await post('/v1/sources', body);
      fill(created, h('div', { class: 'card created' },
        h('p', {}, 'Source created: ', h('a', { href: `#/sources/${enc(s.id)}` }, s.name)),
        receiveUrl(s.url),
        s.secret ? secretOnce('Signing secret', s.secret) : null,
        s.api_key ? secretOnce('API key', s.api_key) : null));
      form.reset();
    } catch (err) {
      formError(form, err);
    }
  });
  return h('section', { class: 'page' }, h('header', { class: 'page-head' }, h('h1', {}, 'Sources')),
    created, h('div', { class: 'card' }, list), form);
}

function receiveUrl(url) {
  return h('div', { class: 'copy-row receive-url' }, h('input', { class: 'mono', readonly: true, value: url, 'aria-label': 'Receive URL' }), copyButton(url));
}

export async function sourcePage({ args: [id] }) {
  const base = `/v1/sources/${enc(id)}`;
  const source = await get(base);
  const log = h('div', {});
  const reload = () => render(log, () => eventLog(base, source));
  reload();
  const json = (name, value) => field(name, h('textarea', { name, rows: 3 }, value === null || value === undefined ? '' : JSON.stringify(value, null, 2)));
  const form = h('form', { class: 'card settings', 'aria-label': 'Source settings' }, h('h2', {}, 'Verification and forwarding'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' }, json('verification', source.verification), json('rate_limit', source.rate_limit),
      json('dedupe', source.dedupe), json('forward', source.forward)),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'api_key_required', checked: source.api_key_required }),
      ` Require the API key (in ${source.api_key_header || 'X-API-KEY'})`),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'enabled', checked: source.enabled }), ' Enabled'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save changes')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = { api_key_required: form.api_key_required.checked, enabled: form.enabled.checked };
    for (const k of ['verification', 'rate_limit', 'dedupe', 'forward']) {
      const v = form[k].value.trim();
      try {
        body[k] = v === '' ? null : JSON.parse(v);
      } catch (err) {
        return formError(form, Object.assign(new Error(`${k}: not valid JSON (${err.message})`), { field: k }));
      }
    }
    try {
      await patch(base, body);
      toast('Saved');
    } catch (err) {
      formError(form, err);
    }
  });
  return h('section', { class: 'page' },
    h('header', { class: 'page-head' }, h('div', {}, h('p', { class: 'crumbs' }, h('a', { href: '#/sources' }, 'Sources'), ' /'),
      h('h1', {}, source.name, ' ', source.enabled ? badge('enabled', 'ok') : badge('disabled', 'bad')))),
    h('div', { class: 'card' }, h('h2', {}, 'Receive URL'), receiveUrl(source.url),
      h('p', { class: 'hint' }, `Third parties post here. Verification: ${source.verification.scheme}${source.api_key_required ? ', API key required' : ''}.`)),
    form,
    h('div', { class: 'card' }, h('div', { class: 'page-head' }, h('h2', {}, 'Inbound log'),
      h('button', { type: 'button', class: 'secondary small', onclick: reload }, 'Refresh')), log));
}

/** What arrived, with the headers and body as stored, and Replay for forwarded sources. */
function eventLog(base, source) {
  const rows = (data) => data.map((e) => h('div', { class: 'attempt inbound-event', dataset: { event: e.id } },
    h('div', { class: 'actions' }, h('strong', {}, h('code', {}, e.id)), h('span', { class: 'hint' }, time(e.received_at)),
      h('span', {}, e.content_type || ''), e.verification ? badge(e.verification, 'muted') : null,
      e.message_id ? h('span', { class: 'hint' }, '→ ', h('code', {}, e.message_id)) : null,
      source.forward ? h('button', { type: 'button', class: 'secondary small', onclick: (ev) => replay(ev.target, e) }, 'Replay') : null),
    h('details', {}, h('summary', {}, 'Headers'), h('pre', {}, Object.entries(e.headers).map(([k, v]) => `${k}: ${v}`).join('\n'))),
    h('details', { open: true }, h('summary', {}, 'Body'), h('pre', {}, e.body_encoding === 'base64' ? `(base64) ${e.body}` : pretty(e.body)))));
  async function replay(button, e) {
    button.disabled = true;
    try {
      const r = await post(`${base}/events/${enc(e.id)}/replay`, {});
      toast(`Forwarded again as ${r.message_id || r.id}`);
    } catch (err) {
      toast(err.message, 'bad');
    } finally {
      button.disabled = false;
    }
  }
  return pagedList((after) => get(base + '/events' + query({ limit: 50, after })), rows,
    emptyState('Nothing received yet: post to the receive URL above.'));
}
