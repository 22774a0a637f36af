// Apps, and one app's endpoints with their health at a glance.
import { get, post, query, enc } from '../api.js';
import { h, fill, ago, percent, table, statusBadge, emptyState, pagedList, secretOnce, formError, clearFormError, field, time } from '../ui.js';

export async function appsPage() {
  const rows = (data) => table([
    ['Name', (a) => h('a', { href: `#/apps/${enc(a.id)}` }, a.name)],
    ['UID', (a) => a.uid || '—'],
    ['ID', (a) => h('code', {}, a.id)],
    ['Created', (a) => time(a.created_at)],
  ], data, { class: 'apps' });
  const list = await pagedList((after) => get('/v1/apps' + query({ limit: 50, after })), rows,
    emptyState('No apps yet: an app is one customer of your product. Create one above.'));
  return h('section', { class: 'page' },
    h('header', { class: 'page-head' }, h('h1', {}, 'Apps')),
    createAppForm(),
    h('div', { class: 'card' }, list));
}

function createAppForm() {
  const form = h('form', { class: 'card inline-form', 'aria-label': 'Create an app' },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    field('Name', h('input', { name: 'name', required: true, placeholder: 'Acme Inc.' })),
    field('UID (optional)', h('input', { name: 'uid', placeholder: 'acme' }), 'your own id for this customer'),
    h('button', { type: 'submit' }, 'Create app'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = { name: form.name.value.trim() };
    if (form.uid.value.trim()) body.uid = form.uid.value.trim();
    try {
      const app = await post('/v1/apps', body);
      location.hash = `#/apps/${enc(app.id)}`;
    } catch (err) {
      formError(form, err);
    }
  });
  return form;
}

export async function appPage({ args: [appId] }) {
  const [app, stats] = await Promise.all([
    get(`/v1/apps/${enc(appId)}`),
    get('/v1/stats' + query({ app: appId, period: 'day' })),
  ]);
  const list = h('div', {});
  const created = h('div', {});
  const showForm = h('button', { type: 'button', onclick: () => { form.hidden = false; form.url.focus(); } }, 'Add endpoint');
  const form = createEndpointForm(app, created, list);
  fill(list, await endpointList(app, stats));
  form.hidden = list.querySelector('table') !== null; // with no endpoint yet, the form is the next step
  return h('section', { class: 'page' },
    h('header', { class: 'page-head' },
      h('div', {}, h('p', { class: 'crumbs' }, h('a', { href: '#/apps' }, 'Apps'), ' / '), h('h1', {}, app.name)),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: `#/apps/${enc(app.id)}/messages` }, 'Messages'),
        showForm)),
    h('p', { class: 'meta' }, 'ID ', h('code', {}, app.id), app.uid ? [' · UID ', h('code', {}, app.uid)] : null,
      stats.attempts.success_rate === null ? ' · no attempts in the last 24 h'
        : ` · last 24 h: ${stats.attempts.succeeded + stats.attempts.failed} attempts, ${percent(stats.attempts.success_rate)} succeeded`),
    created,
    form,
    h('div', { class: 'card' }, h('h2', {}, 'Endpoints'), list));
}

/** The app's endpoints, page by page, each with its last 24 hours from the stats. */
function endpointList(app, stats) {
  const tally = Object.fromEntries(stats.by_endpoint.map((t) => [t.endpoint_id, t]));
  return pagedList((after) => get(`/v1/apps/${enc(app.id)}/endpoints` + query({ limit: 50, after })),
    (data) => endpointTable(app, data, tally),
    emptyState('No endpoints yet: add one to start receiving this app\'s webhooks.'));
}

function endpointTable(app, data, tally) {
  return table([
    ['Endpoint', (ep) => h('a', { href: `#/apps/${enc(app.id)}/endpoints/${enc(ep.id)}` }, ep.name || ep.url,
      ep.name ? h('div', { class: 'sub' }, ep.url) : null)],
    ['State', (ep) => ep.enabled ? statusBadge(ep.health.circuit) : statusBadge('disabled')],
    ['Success (24 h)', (ep) => {
      const t = tally[ep.id];
      return t ? `${percent(t.success_rate)} of ${t.succeeded + t.failed}` : 'no attempts';
    }],
    ['Last failure', (ep) => {
      const t = tally[ep.id];
      return t && t.last_failure_at ? ago(t.last_failure_at) : '—';
    }],
    ['Note', (ep) => ep.health.disabled_reason || (ep.health.consecutive_failures > 0
      ? `${ep.health.consecutive_failures} failures in a row since ${ago(ep.health.failing_since)}` : '')],
  ], data, { class: 'endpoints' });
}

/** Creating an endpoint shows its secret once, above the list. */
function createEndpointForm(app, created, list) {
  const form = h('form', { class: 'card', 'aria-label': 'Add an endpoint' },
    h('h2', {}, 'Add an endpoint'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' },
      field('URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://example.com/webhooks', class: 'mono' })),
      field('Name', h('input', { name: 'name', placeholder: 'Production' })),
      field('Events', h('input', { name: 'events', placeholder: 'invoice.paid, user.*' }), 'comma-separated names or wildcards; empty means all'),
      field('Channels', h('input', { name: 'channels', placeholder: '' }), 'comma-separated; empty means all')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'enabled', checked: true }), ' Enabled'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create endpoint')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = { url: form.url.value.trim(), enabled: form.enabled.checked };
    if (form.name.value.trim()) body.name = form.name.value.trim();
    const events = splitList(form.events.value);
    if (events) body.events = events;
    const channels = splitList(form.channels.value);
    if (channels) body.channels = channels;
    try {
      const ep = await post(`/v1/apps/${enc(app.id)}/endpoints`, body);
      fill(created, h('div', { class: 'card created' },
        h('p', {}, 'Endpoint created: ', h('a', { href: `#/apps/${enc(app.id)}/endpoints/${enc(ep.id)}` }, ep.name || ep.url)),
        secretOnce('Signing secret', ep.secret)));
      form.reset();
      form.hidden = true;
      fill(list, await endpointList(app, await get('/v1/stats' + query({ app: app.id, period: 'day' }))));
    } catch (err) {
      formError(form, err);
    }
  });
  return form;
}

/** "a, b ,c" → ["a","b","c"]; empty → null. */
export function splitList(text) {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : null;
}
