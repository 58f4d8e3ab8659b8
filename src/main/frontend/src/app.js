// The web view: a hash router over the flows list and the flow page, and the pages shown when the API
// refuses (401: no accepted token, 403: not allowed).
import { ApiError, getJson, setToken, token } from './api.js';
import { el } from './dom.js';
import { showFlows } from './flows.js';
import { showFlow } from './flow.js';

const main = document.getElementById('main');
let leave = () => {};

function route() {
  leave();
  leave = () => {};
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const flow = hash.match(/^\/flows\/([^/]+)\/([^/]+)(?:\/(audit))?$/);
  main.replaceChildren();
  const context = { main, refused };
  if (flow) {
    leave = showFlow(context, flow[1], flow[2], flow[3] || 'graph');
  } else {
    leave = showFlows(context);
  }
}

/** Shows the page for a refusal; other errors are shown where they happened. */
export function refused(error) {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) {
    return false;
  }
  leave();
  leave = () => {};
  const unauthenticated = error.status === 401;
  const form = el('form', { class: 'token', onsubmit: (e) => {
    e.preventDefault();
    setToken(form.querySelector('input').value.trim());
    session().then(route);
  } },
  el('label', { for: 'token' }, 'Bearer token'),
  el('input', { id: 'token', type: 'password', autocomplete: 'off', required: true }),
  el('button', { type: 'submit' }, 'Sign in'));
  main.replaceChildren(el('section', { class: 'refused', 'data-status': String(error.status) },
    el('h1', {}, unauthenticated ? '401 — sign in' : '403 — not allowed'),
    el('p', { class: 'message' }, error.message),
    el('p', {}, unauthenticated
      ? 'Paste a Kubernetes bearer token, e.g. from "kubectl create token NAME". It is checked with a TokenReview, '
        + 'and you see the namespaces where you may "get jobflows".'
      : 'Your permissions come from RBAC: ask for "get jobflows" (and "patch jobflows" for actions) in a namespace.'),
    form,
    token() ? el('button', { type: 'button', onclick: () => { setToken(null); location.reload(); } }, 'Sign out') : ''));
  if (unauthenticated) {
    form.querySelector('input').focus();
  }
  return true;
}

async function session() {
  const who = document.getElementById('who');
  try {
    const s = await getJson('session');
    who.textContent = s.authorization ? `signed in as ${s.user}` : 'dev mode: no sign-in';
  } catch (e) {
    who.textContent = '';
  }
}

window.addEventListener('hashchange', route);
// Leaving the page ends its streams, so a page kept in the back-forward cache holds no connection.
window.addEventListener('pagehide', () => leave());
window.addEventListener('pageshow', (e) => { if (e.persisted) route(); });
session();
route();
