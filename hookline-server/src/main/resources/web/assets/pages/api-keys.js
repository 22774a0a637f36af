// API keys: create (the key is shown once) and revoke.
import { get, post, del, query, enc } from '../api.js';
import { h, fill, time, table, emptyState, pagedList, secretOnce, formError, clearFormError, field, toast } from '../ui.js';

export async function apiKeysPage() {
  const list = h('div', {});
  const reload = async () => fill(list, await pagedList((after) => get('/v1/api-keys' + query({ limit: 100, after })), rows,
    emptyState('No API keys besides the root key yet.')));
  const rows = (data) => table([
    ['Name', (k) => k.name],
    ['Key', (k) => h('code', {}, k.key_prefix + '…')],
    ['Scope', (k) => k.app_id ? h('a', { href: `#/apps/${enc(k.app_id)}` }, k.app_id) : 'all apps'],
    ['Created', (k) => time(k.created_at)],
    ['', (k) => h('button', { type: 'button', class: 'danger small', onclick: () => revoke(k) }, 'Revoke')],
  ], data, { class: 'api-keys' });
  async function revoke(k) {
    if (!confirm(`Revoke the key "${k.name}"? Calls with it fail from now on.`)) return;
    try {
      await del(`/v1/api-keys/${enc(k.id)}`);
      toast('Key revoked');
      await reload();
    } catch (e) {
      toast(e.message, 'bad');
    }
  }
  await reload();
  const created = h('div', {});
  const form = h('form', { class: 'card inline-form', 'aria-label': 'Create an API key' },
    h('div', { class: 'form-error', role: 'alert', hidden: true }),
    field('Name', h('input', { name: 'name', required: true, placeholder: 'CI deploys' })),
    field('App (optional)', h('input', { name: 'app', placeholder: 'id or uid: scope the key to it' })),
    h('button', { type: 'submit' }, 'Create key'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const body = { name: form.name.value.trim() };
    if (form.app.value.trim()) body.app = form.app.value.trim();
    try {
      const k = await post('/v1/api-keys', body);
      fill(created, h('div', { class: 'card created' }, secretOnce(`API key "${k.name}"`, k.key)));
      form.reset();
      await reload();
    } catch (err) {
      formError(form, err);
    }
  });
  return h('section', { class: 'page' }, h('header', { class: 'page-head' }, h('h1', {}, 'API keys')), form, created, h('div', { class: 'card' }, list));
}
