// One endpoint: its health, every setting, enable/disable, secret rotation, test, recovery and its delivery log.
import { get, post, patch, del, query, enc } from '../api.js';
import { h, fill, ago, time, percent, ms, badge, statusBadge, emptyState, errorState, pagedList, attemptView, render, secretOnce,
  formError, clearFormError, field, toast, pretty, loading, crumbs, warningsNotice } from '../ui.js';
import { splitList } from './apps.js';

/** What the last save of an endpoint answered with beyond the endpoint (its `warnings`), for the page drawn after it. */
let afterSave = null;

export async function endpointPage({ args: [appId, epId], portal, readOnly }) {
  const base = `/v1/apps/${enc(appId)}/endpoints/${enc(epId)}`;
  const [app, ep, stats, types] = await Promise.all([
    get(`/v1/apps/${enc(appId)}`),
    get(base),
    get('/v1/stats' + query({ app: appId, endpoint: epId, period: 'day' })),
    get('/v1/event-types?limit=250').catch(() => ({ data: [] })),
  ]);
  const log = h('div', { class: 'log' });
  const saved = afterSave && afterSave.id === ep.id ? afterSave.warnings : null;
  afterSave = null;
  const notice = h('div', {}, saved ? warningsNotice('Saved, with warnings', saved) : null);
  const pull = ep.delivery === 'pull';
  const health = h('div', {}, healthCard(ep, stats));
  const statusFilter = h('select', { name: 'status', 'aria-label': 'Attempt status', onchange: () => reloadLog() },
    h('option', { value: '' }, 'All attempts'), h('option', { value: 'succeeded' }, 'Succeeded'), h('option', { value: 'failed' }, 'Failed'));
  // after a test or a recovery: the log as filtered, and the health numbers it changed
  const reloadLog = async () => {
    renderLog(log, base, app.id, statusFilter.value);
    try {
      const [fresh, numbers] = await Promise.all([get(base), get('/v1/stats' + query({ app: appId, endpoint: epId, period: 'day' }))]);
      fill(health, healthCard(fresh, numbers));
    } catch {
      // the numbers stay as they were; the log shows its own error
    }
  };
  reloadLog();

  const page = h('section', { class: 'page endpoint' },
    h('header', { class: 'page-head' },
      h('div', {},
        crumbs(portal, app),
        h('h1', {}, ep.name || ep.url || ep.id, ' ', ep.enabled ? statusBadge(ep.health.circuit) : statusBadge('disabled'))),
      readOnly ? null : h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => setEnabled(!ep.enabled) }, ep.enabled ? 'Disable' : 'Enable'),
        h('button', { type: 'button', class: 'secondary', onclick: rotate }, 'Rotate secret'),
        h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete'))),
    h('p', { class: 'meta' }, badge(ep.delivery, pull ? 'warn' : 'muted'), ' ',
      pull ? 'pulled by its consumer: Hookline sends it nothing' : h('code', {}, ep.url), ' · ID ', h('code', {}, ep.id)),
    notice,
    h('div', { class: 'split' },
      health,
      // a pull endpoint is sent nothing, so there is no attempt to wait for and nothing to recover
      readOnly || pull ? null : h('div', {}, testCard(ep, types.data, base, log, notice, reloadLog), recoverCard(base, reloadLog))),
    settingsForm(ep, base, readOnly),
    h('div', { class: 'card' },
      h('div', { class: 'page-head' }, h('h2', {}, 'Delivery log'),
        h('div', { class: 'actions' },
          statusFilter,
          h('button', { type: 'button', class: 'secondary small', onclick: reloadLog }, 'Refresh'))),
      log));
  return page;

  async function setEnabled(enabled) {
    try {
      await patch(base, { enabled });
      toast(enabled ? 'Endpoint enabled' : 'Endpoint disabled');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) {
      toast(e.message, 'bad');
    }
  }

  async function rotate() {
    if (!confirm('Rotate the signing secret? The old one keeps verifying for 24 hours.')) return;
    try {
      const r = await post(base + '/secret/rotate', {});
      fill(notice, h('div', { class: 'card created' }, secretOnce('New signing secret', r.secret),
        h('p', { class: 'hint' }, `Deliveries are signed with both secrets until ${time(r.previous_secret_expires_at)}.`)));
    } catch (e) {
      toast(e.message, 'bad');
    }
  }

  async function remove() {
    if (!confirm(`Delete the endpoint ${ep.name || ep.url || ep.id}? Its pending deliveries are dropped.`)) return;
    try {
      await del(base);
      location.hash = `#/apps/${enc(app.id)}`;
    } catch (e) {
      toast(e.message, 'bad');
    }
  }
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function healthCard(ep, stats) {
  const a = stats.attempts;
  return h('div', { class: 'card' }, h('h2', {}, 'Health'),
    h('dl', { class: 'kv' },
      h('dt', {}, 'State'), h('dd', {}, ep.enabled ? ['enabled, circuit ', ep.health.circuit.replace('_', '-')] : 'disabled'),
      ep.health.disabled_reason ? [h('dt', {}, 'Disabled because'), h('dd', {}, ep.health.disabled_reason)] : null,
      ep.health.circuit_open_until ? [h('dt', {}, 'Circuit open until'), h('dd', {}, time(ep.health.circuit_open_until))] : null,
      h('dt', {}, 'Failures in a row'), h('dd', {}, String(ep.health.consecutive_failures)),
      h('dt', {}, 'Failing since'), h('dd', {}, ep.health.failing_since ? ago(ep.health.failing_since) : '—'),
      h('dt', {}, 'Last 24 h'), h('dd', { dataset: { stat: 'endpoint-attempts' } },
        a.succeeded + a.failed === 0 ? 'no attempts' : `${plural(a.succeeded + a.failed, 'attempt')}, ${percent(a.success_rate)} succeeded`),
      h('dt', {}, 'Latency p50 / p95'), h('dd', {}, `${ms(stats.latency_ms.p50)} / ${ms(stats.latency_ms.p95)}`),
      h('dt', {}, 'Queue'), h('dd', {}, `${stats.queue.pending} pending, ${stats.queue.in_flight} in flight`)));
}

/** Test: send a message to this endpoint alone and watch its attempt arrive in the log. */
function testCard(ep, types, base, log, notice, reloadLog) {
  const select = h('select', { name: 'event', 'aria-label': 'Event type' },
    h('option', { value: '' }, 'webhook.test'),
    types.map((t) => h('option', { value: t.name }, t.name)));
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button' }, 'Send test');
  button.addEventListener('click', async () => {
    button.disabled = true;
    fill(result, loading('Sending…'));
    try {
      const body = select.value ? { event: select.value } : {};
      const msg = await post(base + '/test', body);
      fill(result, 'Sent ', h('code', {}, msg.id), '; waiting for the attempt…');
      const attempt = await waitForAttempt(`/v1/apps/${enc(ep.app_id)}/messages/${enc(msg.id)}/attempts`);
      fill(result, attemptSummary(attempt, ep.app_id));
      reloadLog();
    } catch (e) {
      fill(result, errorState(e));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'card' }, h('h2', {}, 'Test'),
    h('p', { class: 'hint' }, 'Sends one message to this endpoint alone, whatever it subscribes to.'),
    h('div', { class: 'actions' }, select, button), result);
}

/** Polls a message's attempts until the first one is recorded (30 s at most). */
async function waitForAttempt(path) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const page = await get(path);
    if (page.data.length > 0) return page.data[page.data.length - 1];
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('No attempt within 30 s: the delivery may be waiting for a retry, a rate limit or an open circuit.');
}

function attemptSummary(a, appId) {
  return h('p', { class: 'attempt-summary' }, statusBadge(a.status), ' ',
    a.status_code === null ? (a.error || 'no response') : `HTTP ${a.status_code}`, ` in ${ms(a.duration_ms)} · `,
    h('a', { href: `#/apps/${enc(appId)}/messages/${enc(a.message_id)}` }, 'message'));
}

function recoverCard(base, reloadLog) {
  const since = h('input', { type: 'datetime-local', name: 'since', required: true,
    value: new Date(Date.now() - 86400000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) });
  const form = h('form', { class: 'card', 'aria-label': 'Recover failed deliveries' }, h('h2', {}, 'Recover'),
    h('p', { class: 'hint' }, 'Attempts again every delivery that failed for good since a time (after an outage is over).'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'actions' }, since, h('button', { type: 'submit', class: 'secondary' }, 'Recover failed deliveries')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const r = await post(base + '/recover', { since: new Date(since.value).toISOString() });
      toast(`${r.recovered} ${r.recovered === 1 ? 'delivery' : 'deliveries'} queued again`);
      reloadLog();
    } catch (err) {
      formError(form, err);
    }
  });
  return form;
}

/** Every setting of the endpoint, saved with PATCH; the API's validation message marks the field. */
function settingsForm(ep, base, readOnly) {
  const text = (name, value, props = {}) => h('input', { name, value: value ?? '', ...props });
  const json = (name, value) => h('textarea', { name, rows: 3 }, value === null || value === undefined ? '' : JSON.stringify(value, null, 2));
  const list = (name, value) => text(name, (value || []).join(', '));
  const pull = ep.delivery === 'pull';
  const form = h('form', { class: 'card settings', 'aria-label': 'Endpoint settings' },
    h('h2', {}, 'Settings'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' },
      // fixed at creation (the API refuses a change), so shown, never sent
      field('Delivery', h('select', { name: 'delivery', disabled: true }, h('option', { value: ep.delivery }, ep.delivery)),
        pull ? 'pull: its consumer reads the deliveries (GET …/deliveries); fixed at creation'
          : 'push: Hookline posts each delivery to the URL; fixed at creation'),
      pull ? null : field('URL', text('url', ep.url, { class: 'mono', required: true })),
      field('Name', text('name', ep.name)),
      field('UID', text('uid', ep.uid), 'your own id for this endpoint, usable in URLs'),
      field('Description', text('description', ep.description)),
      field('Events', list('events', ep.events), 'comma-separated; empty means all'),
      field('Channels', list('channels', ep.channels), 'comma-separated; empty means all'),
      field('Timeout (ms)', text('timeout_ms', ep.timeout_ms, { type: 'number' })),
      field('Rate limit (per second)', text('rate_limit', ep.rate_limit, { type: 'number' }), 'empty means unlimited'),
      field('Max concurrency', text('max_concurrency', ep.max_concurrency, { type: 'number' }), 'empty means unlimited'),
      field('Payload format', h('select', { name: 'payload_format' },
        ['envelope', 'raw'].map((f) => h('option', { value: f, selected: f === ep.payload_format ? true : null }, f)))),
      field('Signature header', text('signature_header', ep.signature.header),
        `scheme ${ep.signature.scheme}${ep.signature.algorithm ? ', ' + ep.signature.algorithm : ''}`),
      field('Header prefix', text('header_prefix', ep.header_prefix), 'e.g. X-Acme-: adds X-Acme-Event, -Delivery, -Attempt'),
      field('Envelope keys', list('envelope', ep.envelope), 'e.g. id, event, created_at, data'),
      field('Retry (JSON)', json('retry', ep.retry), '{"schedule": [60, 300]} or {"exponential": {…}}'),
      field('Static headers (JSON)', json('headers', ep.headers)),
      field('Filter (JSON)', json('filter', ep.filter), 'e.g. {"data.amount": {"$gte": 100}}'),
      field('Metadata (JSON)', json('metadata', ep.metadata), 'your own notes, e.g. {"team": "billing"}; never sent')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'fifo', checked: ep.fifo }), ' FIFO (deliver in order)'),
    readOnly ? null : h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save changes')));
  if (readOnly) form.querySelectorAll('input, select, textarea').forEach((el) => (el.disabled = true));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    let body;
    try {
      body = readSettings(form, ep);
    } catch (err) {
      return formError(form, err);
    }
    if (Object.keys(body).length === 0) return toast('Nothing changed');
    try {
      const updated = await patch(base, body);
      toast('Saved');
      if (updated.warnings && updated.warnings.length) afterSave = { id: ep.id, warnings: updated.warnings };
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      formError(form, err);
    }
  });
  return form;
}

/** The fields that differ from the endpoint as loaded, as a PATCH body (JSON fields parsed here, named on error). */
function readSettings(form, ep) {
  const body = {};
  const number = (v) => (v.trim() === '' ? null : Number(v));
  const parse = (name) => {
    const v = form[name].value.trim();
    if (v === '') return null;
    try {
      return JSON.parse(v);
    } catch (e) {
      const err = new Error(`${name}: not valid JSON (${e.message})`);
      err.field = name;
      throw err;
    }
  };
  const values = {
    url: form.url ? form.url.value.trim() : ep.url,
    name: form.name.value.trim() || null,
    uid: form.uid.value.trim() || null,
    description: form.description.value.trim() || null,
    events: splitList(form.events.value),
    channels: splitList(form.channels.value),
    timeout_ms: number(form.timeout_ms.value),
    rate_limit: number(form.rate_limit.value),
    max_concurrency: number(form.max_concurrency.value),
    payload_format: form.payload_format.value,
    header_prefix: form.header_prefix.value.trim() || null,
    envelope: splitList(form.envelope.value),
    retry: parse('retry'),
    headers: parse('headers') || {},
    filter: parse('filter'),
    metadata: parse('metadata') || {},
    fifo: form.fifo.checked,
  };
  for (const [k, v] of Object.entries(values)) {
    if (JSON.stringify(v) !== JSON.stringify(ep[k] ?? null)) body[k] = v;
  }
  const header = form.signature_header.value.trim();
  if (header !== (ep.signature.header || '')) body.signature = { scheme: ep.signature.scheme, header: header || null };
  return body;
}

/** The endpoint's attempts, newest last as the API lists them, with the response of each. */
function renderLog(el, base, appId, status = '') {
  const rows = (data) => data.map((a) => attemptView(a,
    h('a', { href: `#/apps/${enc(appId)}/messages/${enc(a.message_id)}` }, h('code', {}, a.message_id)),
    a.response_body ? h('details', {}, h('summary', {}, 'Response body'), h('pre', {}, pretty(a.response_body))) : null));
  return render(el, () => pagedList((after) => get(base + '/attempts' + query({ status, limit: 50, after })), rows,
    emptyState(status ? `No ${status} attempts.` : 'No attempts yet: press Send test to make one.')));
}
