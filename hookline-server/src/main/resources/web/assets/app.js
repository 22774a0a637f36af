// The shell: sign-in, navigation and a hash router (#/apps/…), so every page has a URL to share or
// reload, and nothing secret is ever part of it.
import { api, session, ApiError } from './api.js';
import { h, fill, render, clearFormError, formError } from './ui.js';
import { overviewPage } from './pages/overview.js';
import { appsPage, appPage } from './pages/apps.js';
import { endpointPage } from './pages/endpoint.js';
import { messagesPage, messagePage } from './pages/messages.js';

const routes = [
  [/^\/$/, overviewPage, 'overview'],
  [/^\/apps$/, appsPage, 'apps'],
  [/^\/apps\/([^/]+)$/, appPage, 'apps'],
  [/^\/apps\/([^/]+)\/endpoints\/([^/]+)$/, endpointPage, 'apps'],
  [/^\/apps\/([^/]+)\/messages$/, messagesPage, 'apps'],
  [/^\/apps\/([^/]+)\/messages\/([^/]+)$/, messagePage, 'apps'],
];

const root = document.getElementById('root');

function signInPage(message) {
  const input = h('input', { name: 'key', type: 'password', autocomplete: 'off', required: true, placeholder: 'hk_…', class: 'mono' });
  const form = h('form', { class: 'card signin' },
    h('h1', {}, h('img', { src: '/assets/icon.svg', alt: '', width: 28, height: 28 }), ' Hookline'),
    h('p', {}, 'Sign in with an API key. It is kept in this browser tab only and forgotten when the tab closes.'),
    h('div', { class: 'form-error', role: 'alert', hidden: !message }, message || ''),
    h('label', { class: 'field' }, h('span', {}, 'API key'), input),
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const key = input.value.trim();
    try {
      await api('GET', '/v1/apps?limit=1', undefined, key);
      session.signIn(key);
      start();
    } catch (err) {
      formError(form, err.status === 401 ? new ApiError(401, 'unauthorized', 'That key is not valid or was revoked.') : err);
    }
  });
  fill(root, h('main', { class: 'signin-page' }, form));
  input.focus();
}

function shell() {
  const nav = h('nav', { class: 'nav' },
    h('a', { href: '#/', class: 'brand' }, h('img', { src: '/assets/icon.svg', alt: '', width: 22, height: 22 }), 'Hookline'),
    h('a', { href: '#/', dataset: { nav: 'overview' } }, 'Overview'),
    h('a', { href: '#/apps', dataset: { nav: 'apps' } }, 'Apps'),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'link', onclick: () => { session.signOut(); signInPage(); } }, 'Sign out'));
  const main = h('main', { id: 'main' });
  fill(root, h('div', { class: 'layout' }, nav, main));
  return { nav, main };
}

let frame = null;

function route() {
  if (!session.key()) return signInPage();
  if (!frame || !frame.main.isConnected) frame = shell();
  const path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  for (const [pattern, page, section] of routes) {
    const m = pattern.exec(path);
    if (!m) continue;
    frame.nav.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === section));
    render(frame.main, () => page({ args: m.slice(1).map(decodeURIComponent), params }));
    return;
  }
  fill(frame.main, h('div', { class: 'state empty' }, h('p', {}, 'There is no page here. '), h('a', { href: '#/' }, 'Go to the overview')));
}

function start() {
  frame = null;
  route();
}

window.addEventListener('hashchange', route);
window.addEventListener('hookline:signed-out', (e) => {
  session.signOut();
  signInPage(e.detail);
});
start();
