// The event catalog: what an endpoint can subscribe to, with descriptions and JSON schemas.
import { get, query } from '../api.js';
import { h, table, emptyState, pagedList, pretty } from '../ui.js';

export async function eventTypesPage() {
  const rows = (data) => table([
    ['Event', (t) => h('code', {}, t.name)],
    ['Description', (t) => t.description || '—'],
    ['Schema', (t) => t.schema ? h('details', {}, h('summary', {}, 'JSON schema'), h('pre', {}, pretty(t.schema))) : '—'],
  ], data, { class: 'event-types' });
  const list = await pagedList((after) => get('/v1/event-types' + query({ limit: 100, after })), rows,
    emptyState('No event types yet: declare them with POST /v1/event-types so endpoints can pick from a catalog.'));
  return h('section', { class: 'page' }, h('header', { class: 'page-head' }, h('h1', {}, 'Event types')), h('div', { class: 'card' }, list));
}
