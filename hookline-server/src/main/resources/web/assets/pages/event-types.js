// The event catalog: what an endpoint can subscribe to, with descriptions and JSON schemas. The
// operator declares, edits and deletes types here; a portal shows the catalog only.
import { get, post, patch, del, query, enc } from '../api.js';
import { h, fill, table, badge, emptyState, pagedList, pretty, field, formError, clearFormError, toast } from '../ui.js';

export async function eventTypesPage({ portal }) {
  const list = h('div', {});
  const editor = h('div', {});
  const reload = async () => fill(list, await pagedList((after) => get('/v1/event-types' + query({ limit: 100, after })), rows,
    emptyState(portal ? 'No event types are declared.'
      : 'No event types yet: declare one above so endpoints can pick from a catalog.')));
  const rows = (data) => table([
    ['Event', (t) => h('code', {}, t.name)],
    ['Description', (t) => t.description || '—'],
    ['Schema', (t) => t.schema ? h('details', {}, h('summary', {}, 'JSON schema'), h('pre', {}, pretty(t.schema))) : '—'],
    ['Validated', (t) => t.validate ? badge('enforced', 'ok') : h('span', { class: 'hint' }, t.schema ? 'documentation only' : '—')],
    ...(portal ? [] : [['', (t) => h('span', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary small', onclick: () => fill(editor, typeForm(t, done)) }, 'Edit'),
      h('button', { type: 'button', class: 'danger small', onclick: () => remove(t) }, 'Delete'))]]),
  ], data, { class: 'event-types' });
  const done = async (message) => {
    toast(message);
    fill(editor, portal ? null : typeForm(null, done));
    await reload();
  };
  async function remove(t) {
    if (!confirm(`Delete the event type "${t.name}"? Endpoints that name it keep their subscription.`)) return;
    try {
      await del(`/v1/event-types/${enc(t.name)}`);
      await done('Event type deleted');
    } catch (e) {
      toast(e.message, 'bad');
    }
  }
  await reload();
  if (!portal) fill(editor, typeForm(null, done));
  return h('section', { class: 'page' }, h('header', { class: 'page-head' }, h('h1', {}, 'Event types')),
    editor, h('div', { class: 'card' }, list));
}

/** Declares a new type, or edits `type`'s description and schema (a name cannot change). */
function typeForm(type, done) {
  const form = h('form', { class: 'card', 'aria-label': type ? `Edit ${type.name}` : 'Declare an event type' },
    h('h2', {}, type ? `Edit ${type.name}` : 'Declare an event type'),
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    h('div', { class: 'grid2' },
      type ? null : field('Name', h('input', { name: 'name', required: true, placeholder: 'invoice.paid', class: 'mono' }),
        'dot-separated parts of letters, digits, _ : -'),
      field('Description', h('input', { name: 'description', value: type?.description || '', placeholder: 'An invoice was paid' }))),
    field('JSON schema (optional)', h('textarea', { name: 'schema', rows: 5, placeholder: '{"type": "object", "required": ["amount"]}' },
      type?.schema ? JSON.stringify(type.schema, null, 2) : '')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'validate', checked: !!type?.validate }),
      ' Validate: refuse messages whose data does not match the schema (422)'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, type ? 'Save' : 'Declare'),
      type ? h('button', { type: 'button', class: 'secondary', onclick: () => done('Not changed') }, 'Cancel') : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const text = form.elements.schema.value.trim();
    let schema = null;
    try {
      schema = text ? JSON.parse(text) : null;
    } catch (err) {
      return formError(form, Object.assign(new Error(`schema: not valid JSON (${err.message})`), { field: 'schema' }));
    }
    const body = { description: form.elements.description.value.trim() || null, schema, validate: form.elements.validate.checked };
    try {
      if (type) {
        await patch(`/v1/event-types/${enc(type.name)}`, body);
      } else {
        await post('/v1/event-types', { name: form.elements.name.value.trim(), ...body });
      }
      await done(type ? 'Saved' : 'Event type declared');
    } catch (err) {
      formError(form, err);
    }
  });
  return form;
}
