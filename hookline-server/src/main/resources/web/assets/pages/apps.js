// Apps, and one app's endpoints with their health at a glance.
import { get, post, query, enc } from '../api.js';
import { h, fill, ago, percent, table, badge, statusBadge, emptyState, pagedList, secretOnce, formError, clearFormError, field, time, crumbs, copyButton,
  warningsNotice } from '../ui.js';

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

export async function appPage({ args: [appId], portal, readOnly }) {
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
      h('div', {}, crumbs(portal), h('h1', {}, portal ? 'Endpoints' : app.name)),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: `#/apps/${enc(app.id)}/messages` }, 'Messages'),
        readOnly ? null : showForm)),
    h('p', { class: 'meta' }, 'ID ', h('code', {}, app.id), app.uid ? [' · UID ', h('code', {}, app.uid)] : null,
      stats.attempts.success_rate === null ? ' · no attempts in the last 24 h'
        : ` · last 24 h: ${stats.attempts.succeeded + stats.attempts.failed} attempts, ${percent(stats.attempts.success_rate)} succeeded`),
    created,
    readOnly ? null : form,
    h('div', { class: 'card' }, h('h2', {}, 'Endpoints'), list),
    portal ? null : portalLinkForm(app));
}

/** The operator makes a customer portal link for this app: its lifetime, read-only or not, and the product's look. */
function portalLinkForm(app) {
  const out = h('div', {});
  const form = h('form', { class: 'card', 'aria-label': 'Customer portal link' },
    h('h2', {}, 'Customer portal link'),
    h('p', { class: 'hint' }, 'A link to hand to this customer: it opens these pages for this app only, until it expires.'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' },
      field('Lifetime', h('select', { name: 'expires_in' },
        [['3600', '1 hour'], ['86400', '1 day'], ['604800', '7 days']].map(([v, t]) => h('option', { value: v }, t)))),
      field('Product name', h('input', { name: 'name', placeholder: 'Acme' })),
      field('Logo URL', h('input', { name: 'logo_url', placeholder: 'https://…/logo.svg' }), 'https only'),
      field('Accent colour', h('input', { name: 'accent_color', placeholder: '#3b5bdb' }))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'read_only' }), ' Read-only'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Create link')),
    out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const branding = {};
    for (const k of ['name', 'logo_url', 'accent_color']) if (form[k].value.trim()) branding[k] = form[k].value.trim();
    try {
      const r = await post(`/v1/apps/${enc(app.id)}/portal-access`,
        { expires_in: Number(form.expires_in.value), read_only: form.read_only.checked, branding });
      fill(out, h('div', { class: 'secret-once' }, h('strong', {}, `Portal link (until ${time(r.expires_at)})`),
        h('div', { class: 'copy-row' }, h('input', { class: 'mono', readonly: true, value: r.url, 'aria-label': 'Portal link' }), copyButton(r.url)),
        h('p', { class: 'hint' }, 'Anyone with this link can act on this app\'s webhooks until it expires; links cannot be revoked one by one.')));
    } catch (err) {
      formError(form, err);
    }
  });
  return form;
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
    ['Endpoint', (ep) => [h('a', { href: `#/apps/${enc(app.id)}/endpoints/${enc(ep.id)}` }, ep.name || ep.url || ep.id,
      ep.name && ep.url ? h('div', { class: 'sub' }, ep.url) : null), ep.delivery === 'pull' ? [' ', badge('pull', 'warn')] : null]],
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
      field('Delivery', h('select', { name: 'delivery', onchange: (e) => {
        const pull = e.target.value === 'pull';
        form.url.required = !pull;
        form.url.disabled = pull;
      } }, h('option', { value: 'push' }, 'push'), h('option', { value: 'pull' }, 'pull')),
      'push: Hookline posts to the URL; pull: a consumer reads the deliveries (no URL)'),
      field('URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://example.com/webhooks', class: 'mono' })),
      field('Name', h('input', { name: 'name', placeholder: 'Production' })),
      field('Events', h('input', { name: 'events', placeholder: 'invoice.paid, user.*' }), 'comma-separated names or wildcards; empty means all'),
      field('Channels', h('input', { name: 'channels', placeholder: '' }), 'comma-separated; empty means all')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'enabled', checked: true }), ' Enabled'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create endpoint')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = form.delivery.value === 'pull' ? { delivery: 'pull', enabled: form.enabled.checked }
      : { url: form.url.value.trim(), enabled: form.enabled.checked };
    if (form.name.value.trim()) body.name = form.name.value.trim();
    const events = splitList(form.events.value);
    if (events) body.events = events;
    const channels = splitList(form.channels.value);
    if (channels) body.channels = channels;
    try {
      const ep = await post(`/v1/apps/${enc(app.id)}/endpoints`, body);
      fill(created, h('div', { class: 'card created' },
        h('p', {}, 'Endpoint created: ', h('a', { href: `#/apps/${enc(app.id)}/endpoints/${enc(ep.id)}` }, ep.name || ep.url || ep.id)),
        ep.warnings && ep.warnings.length ? warningsNotice('Created, with warnings', ep.warnings) : null,
        secretOnce('Signing secret', ep.secret)));
      form.reset();
      form.url.required = true;
      form.url.disabled = false;
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
