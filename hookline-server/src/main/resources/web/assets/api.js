// The dashboard's only way to the server: the public /v1 API with the key of this browser tab.
// The key lives in sessionStorage (gone when the tab closes), never in a URL or a cookie.

// The operator's key and a customer's portal token are kept apart, so opening a portal link in a
// tab never signs an operator out, nor the other way round.
const KEY = location.pathname === '/portal' ? 'hookline.portal' : 'hookline.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** A failed call: the API's own error code and message, and the field it names (before the first ':'). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
    const m = code === 'validation_failed' && /^([a-z_]+)[\[.:]/.exec(message);
    this.field = m ? m[1] : null;
  }
}

/** Calls the API; resolves to the JSON body (null for 204), rejects with an ApiError. */
export async function api(method, path, body, key = session.key()) {
  const headers = { Authorization: 'Bearer ' + key };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', 'The server could not be reached: ' + e.message);
  }
  if (res.status === 204) return null;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (json && json.error) || {};
    const error = new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.statusText);
    if (res.status === 401 && key === session.key()) {
      window.dispatchEvent(new CustomEvent('hookline:signed-out', { detail: error.message }));
    }
    throw error;
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** A query string from the non-empty entries of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const enc = encodeURIComponent;
