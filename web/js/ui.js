// What every buyer page shares: the header with navigation and the language switch, and the way
// a refusal is shown (in the buyer's language, with what to do next, never a bare code).
import { applyStatic, lang, setLang, t } from './i18n.js';
import { errorText } from './errors.js';
import { h } from './format.js';
import { token } from './api.js';

// Builds the header into <header id="top"> and calls render() now and on every language change.
export function initPage(render, { current } = {}) {
  const top = document.getElementById('top');
  if (top) {
    const link = (href, key) =>
      h('a', {
        href,
        'data-i18n': key,
        'aria-current': current === href ? 'page' : null,
      });
    top.replaceChildren(
      h('a', { class: 'brand', href: '/' }, h('span', { 'data-i18n': 'brand' })),
      h(
        'nav',
        { 'data-i18n-attr': 'aria-label:nav_label' },
        link('/', 'nav_launches'),
        link('/drops', 'nav_drops'),
        link('/ready-stock', 'nav_ready'),
        link('/orders', 'nav_orders'),
        link('/account', token() ? 'nav_account' : 'nav_sign_in'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'lang',
          id: 'lang-switch',
          onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh'),
        },
        h('span', { 'data-i18n': 'lang_switch' }),
      ),
    );
  }
  applyStatic();
  window.addEventListener('langchange', () => render());
  render();
}

// A refusal as a block of text: what happened and what to do next, with the link that does it
// where there is one (sign in again; see the orders already held). `vars` fill the figures the
// page knows ({limit}); the reply's own figures (tries_left) are filled from it.
export function errorBox(result, vars = {}) {
  const { what, next, detail } = errorText(result, vars);
  let link = null;
  if (result.status === 401 && result.code !== 'code_invalid') link = signInLink();
  else if (result.code === 'per_account_limit_reached')
    link = h('a', { class: 'button', href: '/orders' }, t('see_my_orders'));
  else if (result.data?.error?.room_url)
    // Behind a waiting room: the way in is the room's own page.
    link = h('a', { class: 'button', id: 'enter-waiting-room', href: result.data.error.room_url },
      t('wr_enter_room'));
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', { class: 'error-what' }, what),
    next ? h('p', { class: 'error-next' }, next) : null,
    // The field or rule a 422 names (errors.js), in the server's own English words.
    detail ? h('p', { class: 'error-detail' }, detail) : null,
    link,
  );
}

export function showError(container, result) {
  container.replaceChildren(errorBox(result));
}

export function notice(text, kind = 'info') {
  return h('div', { class: `notice notice-${kind}`, role: 'status' }, text);
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/**
 * The way to the sign-in page and back here. `key` names what signing in is for on this page
 * ("Sign in to buy" on a drop, "Sign in to order" on the configurator); without one it is
 * "Sign in again" only for a buyer who was signed in (a session that ended), else "Sign in":
 * a visitor who never signed in was told "Sign in again" (the new user's find 12).
 */
export function signInLink(key = null) {
  const next = location.pathname + location.search;
  return h(
    'a',
    { class: 'button', href: `/account?next=${encodeURIComponent(next)}` },
    t(key ?? (token() ? 'sign_in_again' : 'sign_in')),
  );
}
