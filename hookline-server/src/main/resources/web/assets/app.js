// The shell: sign-in, navigation and a hash router (#/apps/…), so every page has a URL to share or
// reload, and nothing secret is ever part of it. At /portal the same pages open for one app, with a
// portal token from the link instead of an API key.
import { api, session, ApiError } from './api.js';
import { h, fill, render, clearFormError, formError } from './ui.js';
import { overviewPage } from './pages/overview.js';
import { appsPage, appPage } from './pages/apps.js';
import { endpointPage } from './pages/endpoint.js';
import { messagesPage, messagePage } from './pages/messages.js';
import { eventTypesPage } from './pages/event-types.js';
import { sourcesPage, sourcePage } from './pages/sources.js';
import { apiKeysPage } from './pages/api-keys.js';
import { operationalPage } from './pages/operational.js';

const routes = [
  [/^\/$/, overviewPage, 'overview'],
  [/^\/apps$/, appsPage, 'apps'],
  [/^\/apps\/([^/]+)$/, appPage, 'apps'],
  [/^\/apps\/([^/]+)\/endpoints\/([^/]+)$/, endpointPage, 'apps'],
  [/^\/apps\/([^/]+)\/messages$/, messagesPage, 'messages'],
  [/^\/apps\/([^/]+)\/messages\/([^/]+)$/, messagePage, 'messages'],
  [/^\/event-types$/, eventTypesPage, 'event-types'],
  [/^\/sources$/, sourcesPage, 'sources'],
  [/^\/sources\/([^/]+)$/, sourcePage, 'sources'],
  [/^\/api-keys$/, apiKeysPage, 'api-keys'],
  [/^\/operational-webhooks$/, operationalPage, 'operational'],
];

const root = document.getElementById('root');
const portalMode = location.pathname === '/portal';

/** What a portal token says of itself (the server checks it on every call; this only shapes the page). */
function portalGrant() {
  const token = session.key();
  if (!token || !token.startsWith('hkp_')) return null;
  try {
    const json = atob(token.slice(4, token.lastIndexOf('.')).replace(/-/g, '+').replace(/_/g, '/'));
    const p = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return { appId: p.app, readOnly: !!p.ro, expiresAt: p.exp, branding: p.brand || {} };
  } catch {
    return null;
  }
}

function signInPage(message) {
  if (portalMode) return portalClosed(message);
  if (!message && root.querySelector('form.signin')) return; // moving between pages signed out keeps what was typed
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

/** A portal without a working token: there is nothing to sign in with, only a new link to ask for. */
function portalClosed() {
  fill(root, h('main', { class: 'signin-page' }, h('div', { class: 'card signin portal-closed', role: 'alert' },
    h('h1', {}, 'This link has expired'),
    h('p', {}, 'Portal links work for a limited time. Open the webhooks page again from the product that sent you here to get a new one.'))));
}

function shell(grant) {
  const nav = grant ? portalNav(grant) : h('nav', { class: 'nav' },
    h('a', { href: '#/', class: 'brand' }, h('img', { src: '/assets/icon.svg', alt: '', width: 22, height: 22 }), 'Hookline'),
    h('a', { href: '#/', dataset: { nav: 'overview' } }, 'Overview'),
    h('a', { href: '#/apps', dataset: { nav: 'apps' } }, 'Apps'),
    h('a', { href: '#/sources', dataset: { nav: 'sources' } }, 'Sources'),
    h('a', { href: '#/event-types', dataset: { nav: 'event-types' } }, 'Event types'),
    h('a', { href: '#/api-keys', dataset: { nav: 'api-keys' } }, 'API keys'),
    h('a', { href: '#/operational-webhooks', dataset: { nav: 'operational' } }, 'Operational webhooks'),
    h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'link', onclick: () => { session.signOut(); signInPage(); } }, 'Sign out'));
  const main = h('main', { id: 'main' });
  fill(root, h('div', { class: 'layout' }, nav, main));
  return { nav, main };
}

function portalNav(grant) {
  const b = grant.branding;
  if (b.accent_color) document.documentElement.style.setProperty('--accent', b.accent_color);
  document.title = (b.name ? b.name + ' ' : '') + 'Webhooks';
  const app = `#/apps/${encodeURIComponent(grant.appId)}`;
  return h('nav', { class: 'nav portal' },
    h('a', { href: app, class: 'brand' }, b.logo_url ? h('img', { src: b.logo_url, alt: '', height: 24, referrerpolicy: 'no-referrer' }) : null,
      `${b.name || ''} Webhooks`.trim()),
    h('a', { href: app, dataset: { nav: 'apps' } }, 'Endpoints'),
    h('a', { href: app + '/messages', dataset: { nav: 'messages' } }, 'Messages'),
    h('a', { href: '#/event-types', dataset: { nav: 'event-types' } }, 'Event types'),
    h('span', { class: 'spacer' }),
    grant.readOnly ? h('span', { class: 'badge muted', title: 'This link can look but not change anything' }, 'read-only') : null);
}

let frame = null;

function route() {
  if (!session.key()) return signInPage();
  const grant = portalMode ? portalGrant() : null;
  if (portalMode && !grant) return portalClosed();
  if (!frame || !frame.main.isConnected) frame = shell(grant);
  let path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  if (grant && (path === '/' || path === '/apps')) path = `/apps/${encodeURIComponent(grant.appId)}`; // a portal's home is its app
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  for (const [pattern, page, section] of routes) {
    const m = pattern.exec(path);
    if (!m) continue;
    frame.nav.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === section));
    render(frame.main, () => page({ args: m.slice(1).map(decodeURIComponent), params, portal: grant, readOnly: !!(grant && grant.readOnly) }));
    return;
  }
  fill(frame.main, h('div', { class: 'state empty' }, h('p', {}, 'There is no page here. '), h('a', { href: '#/' }, 'Go to the start')));
}

function start() {
  frame = null;
  route();
}

/** A portal link carries its token in the fragment (#token=…): keep it in the tab's session and take it out of the address bar. */
function takeTokenFromLink() {
  const m = /^#token=([A-Za-z0-9_.-]+)$/.exec(location.hash);
  if (!portalMode || !m) return false;
  session.signIn(m[1]);
  history.replaceState(null, '', '/portal#/');
  return true;
}

// A new link opened in the same page (an embedding product moving its frame on) arrives as a hash change.
window.addEventListener('hashchange', () => (takeTokenFromLink() ? start() : route()));
window.addEventListener('hookline:signed-out', (e) => {
  session.signOut();
  signInPage(e.detail);
});
takeTokenFromLink();
start();
