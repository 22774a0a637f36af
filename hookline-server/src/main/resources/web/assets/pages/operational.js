// Operational webhooks: endpoints Hookline itself tells when an endpoint is disabled or re-enabled,
// or a delivery keeps failing. Same endpoint API as an app's, under /v1/operational-webhooks.
import { get, post, del, query, enc } from '../api.js';
import { h, fill, table, statusBadge, emptyState, pagedList, secretOnce, formError, clearFormError, field, toast, time } from '../ui.js';
import { splitList } from './apps.js';

const BASE = '/v1/operational-webhooks/endpoints';
const EVENTS = ['endpoint.disabled', 'endpoint.enabled', 'message.attempt.failing', 'message.attempt.exhausted'];

export async function operationalPage() {
  const list = h('div', {});
  const rows = (data) => table([
    ['URL', (ep) => h('code', {}, ep.url)],
    ['Events', (ep) => (ep.events || ['all']).join(', ')],
    ['State', (ep) => ep.enabled ? statusBadge(ep.health.circuit) : statusBadge('disabled')],
    ['Created', (ep) => time(ep.created_at)],
    ['', (ep) => h('button', { type: 'button', class: 'danger small', onclick: () => remove(ep) }, 'Delete')],
  ], data, { class: 'operational' });
  const reload = async () => fill(list, await pagedList((after) => get(BASE + query({ limit: 50, after })), rows,
    emptyState('No operational webhooks yet: add one to hear when an endpoint is disabled or a delivery keeps failing.')));
  async function remove(ep) {
    if (!confirm(`Delete the operational webhook ${ep.url}?`)) return;
    try {
      await del(`${BASE}/${enc(ep.id)}`);
      toast('Deleted');
      await reload();
    } catch (e) {
      toast(e.message, 'bad');
    }
  }
  await reload();
  const created = h('div', {});
  const form = h('form', { class: 'card', 'aria-label': 'Add an operational webhook' }, h('h2', {}, 'Add an operational webhook'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' },
      field('URL', h('input', { name: 'url', type: 'url', required: true, class: 'mono', placeholder: 'https://ops.example.com/hookline' })),
      field('Events', h('input', { name: 'events', placeholder: EVENTS.join(', ') }), 'comma-separated; empty means all')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = { url: form.url.value.trim() };
    const events = splitList(form.events.value);
    if (events) body.events = events;
    try {
      const ep = await post(BASE, body);
      fill(created, h('div', { class: 'card created' }, secretOnce('Signing secret', ep.secret)));
      form.reset();
      await reload();
    } catch (err) {
      formError(form, err);
    }
  });
  return h('section', { class: 'page' }, h('header', { class: 'page-head' }, h('h1', {}, 'Operational webhooks')),
    h('p', { class: 'meta' }, 'Hookline posts ', EVENTS.map((e, i) => [i ? ', ' : '', h('code', {}, e)]), ' here, signed like any delivery.'),
    created, h('div', { class: 'card' }, list), form);
}
