// Registration (phone, name, identity number) and sign-in by SMS code. Each field says what is
// wrong with it as soon as it can be known, so a bad identity number is fixed weeks before the
// sale rather than in its first minute.
import { get, post, request, setToken, token } from './api.js';
import { t } from './i18n.js';
import { duration, h } from './format.js';
import { sameSitePath } from './same-site.js';
import { errorBox, initPage, notice, param } from './ui.js';
import {
  idNumberProblem, nameProblem, normaliseIdNumber, normaliseName, normalisePhone, phoneProblem,
} from './validate.js';

let me = null;
let meFailure = null;
let codeSent = null; // {phone, devCode, expiresS, texted}

function nextUrl() {
  // Only a page of this site, so the link cannot send a buyer elsewhere after sign-in.
  return sameSitePath(param('next'), location.origin, '/orders');
}

// A labelled input with its own error line, checked on blur, and while typing once the value is
// long enough to judge (so nobody is told "too short" after their third digit).
function field({ id, key, type = 'text', check, judgeAt = 0, attrs = {} }) {
  const errId = `${id}-error`;
  const input = h('input', {
    id,
    name: id,
    type,
    'aria-describedby': `${id}-hint ${errId}`,
    ...attrs,
  });
  const error = h('p', { class: 'field-error', id: errId, 'aria-live': 'polite' });
  const validate = () => {
    const problem = check(input.value);
    const text = problem
      ? typeof problem === 'string'
        ? t(problem)
        : t(problem.key, problem.vars)
      : '';
    error.textContent = text;
    input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    return !problem;
  };
  input.addEventListener('blur', () => {
    if (input.value !== '') validate();
  });
  input.addEventListener('input', () => {
    if (input.value.trim().length >= judgeAt || input.getAttribute('aria-invalid') === 'true')
      validate();
  });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, t(key)),
    input,
    h('p', { class: 'hint', id: `${id}-hint` }, t(`${key}_hint`)),
    error,
  );
  return { wrap, input, validate };
}

function signInCard() {
  const result = h('div', {});
  const phone = field({
    id: 'signin-phone',
    key: 'phone',
    type: 'tel',
    check: phoneProblem,
    judgeAt: 11,
    attrs: { autocomplete: 'tel', inputmode: 'numeric', maxlength: '11' },
  });
  const parts = [h('h2', {}, t('sign_in_title')), phone.wrap];
  const code = h('input', {
    id: 'signin-code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: '8',
  });
  if (codeSent) {
    phone.input.value = codeSent.phone;
    // A sandbox server texts nothing: the page says so, and who can read the code, rather than
    // "sent"; with the development setting the code is on the page, and neither is said.
    // In words with the right plural ("1 minute 30 seconds"), not rounded minutes.
    const min = duration(codeSent.expiresS);
    if (!codeSent.devCode) {
      parts.push(
        notice(
          codeSent.texted
            ? t('code_sent', { phone: codeSent.phone, min })
            : t('code_not_texted', { phone: codeSent.phone, min }),
        ),
      );
    }
    if (codeSent.devCode)
      parts.push(
        h('p', { class: 'hint', id: 'dev-code' }, t('dev_code', { code: codeSent.devCode })),
      );
    parts.push(h('label', { for: 'signin-code' }, t('sms_code')), code);
  }
  const sendCode = async () => {
    if (!phone.validate()) {
      phone.input.focus();
      return;
    }
    const r = await post('/sessions/code', { phone: phone.input.value.trim() }, { auth: null });
    if (!r.ok) {
      result.replaceChildren(errorBox(r));
      return;
    }
    codeSent = {
      phone: phone.input.value.trim(),
      devCode: r.data.dev_code,
      texted: r.data.texted !== false,
      expiresS: r.data.expires_in_seconds ?? 300,
    };
    render();
    document.getElementById('signin-code')?.focus();
  };
  const signIn = async () => {
    const r = await post(
      '/sessions',
      { phone: phone.input.value.trim(), code: code.value.trim() },
      { auth: null },
    );
    if (!r.ok) {
      result.replaceChildren(errorBox(r));
      return;
    }
    setToken(r.data.token);
    location.href = nextUrl();
  };
  // Enter presses a form's first submit button. Once a code is sent, that is Sign in (Enter in
  // the code field signs in; it used to send a new code, which voided the one being typed and
  // spent a try) and Resend is a plain button; Enter in the phone field still sends a code
  // (its keydown, below).
  parts.push(
    result,
    h(
      'div',
      { class: 'actions' },
      codeSent
        ? h('button', { type: 'submit', class: 'primary', id: 'sign-in' }, t('sign_in'))
        : null,
      h(
        'button',
        { type: codeSent ? 'button' : 'submit', class: codeSent ? 'secondary' : 'primary',
          id: 'send-code', onclick: codeSent ? () => void sendCode() : null },
        codeSent ? t('resend_code') : t('send_code'),
      ),
    ),
  );
  const onsubmit = (ev) => {
    ev.preventDefault();
    void (codeSent ? signIn() : sendCode());
  };
  phone.input.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !codeSent || ev.isComposing) return;
    ev.preventDefault();
    void sendCode();
  });
  return withHeadingId(h('form', { class: 'card', novalidate: true, onsubmit }, ...parts),
    'signin-h');
}

function withHeadingId(form, id) {
  form.querySelector('h2').id = id;
  form.setAttribute('aria-labelledby', id);
  return form;
}

function registerCard() {
  const result = h('div', {});
  const phone = field({
    id: 'reg-phone',
    key: 'phone',
    type: 'tel',
    check: phoneProblem,
    judgeAt: 11,
    attrs: { autocomplete: 'tel', inputmode: 'numeric', maxlength: '11' },
  });
  const name = field({
    id: 'reg-name',
    key: 'name',
    check: nameProblem,
    judgeAt: 99,
    // maxlength counts UTF-16 units: room for 64 characters of two units each; nameProblem
    // counts characters as the server does.
    attrs: { autocomplete: 'name', maxlength: '128' },
  });
  const idn = field({
    id: 'reg-id',
    key: 'id_number',
    check: idNumberProblem,
    judgeAt: 18,
    attrs: {
      autocomplete: 'off',
      maxlength: '18',
      autocapitalize: 'characters',
      spellcheck: 'false',
    },
  });
  const submit = async (ev) => {
    ev.preventDefault();
    const checks = [phone, name, idn].map((f) => f.validate());
    const firstBad = [phone, name, idn].find((f, i) => !checks[i]);
    if (firstBad) {
      firstBad.input.focus();
      return;
    }
    const r = await post(
      '/accounts',
      {
        phone: normalisePhone(phone.input.value),
        name: normaliseName(name.input.value),
        id_number: normaliseIdNumber(idn.input.value),
      },
      { auth: null },
    );
    if (!r.ok) {
      result.replaceChildren(errorBox(r));
      return;
    }
    setToken(r.data.token);
    location.href = nextUrl();
  };
  return withHeadingId(
    h(
      'form',
      { class: 'card', novalidate: true, onsubmit: submit },
      h('h2', {}, t('register_title')),
      h('p', { class: 'muted small' }, t('register_why')),
      phone.wrap,
      name.wrap,
      idn.wrap,
      result,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'register' }, t('register')),
      ),
    ),
    'register-h',
  );
}

function render() {
  const main = document.getElementById('main');
  document.title = `${t('account_title')} · launchday`;
  if (token()) {
    const parts = [h('h1', {}, t('account_title'))];
    if (meFailure) parts.push(errorBox(meFailure));
    if (me) {
      parts.push(
        h(
          'div',
          { class: 'card' },
          h(
            'dl',
            { class: 'kv' },
            h('dt', {}, t('name')),
            h('dd', { id: 'me-name' }, me.name),
            h('dt', {}, t('phone')),
            h('dd', {}, me.phone),
            h('dt', {}, t('id_number')),
            h('dd', {}, me.id_number_masked),
          ),
        ),
      );
    }
    parts.push(
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: '/orders' }, t('nav_orders')),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            // The server ends the session too, so the token is worthless wherever it was copied.
            onclick: async () => {
              await request('DELETE', '/sessions/current');
              setToken(null);
              location.reload();
            },
          },
          t('sign_out'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            id: 'sign-out-everywhere',
            onclick: async () => {
              await request('DELETE', '/sessions');
              setToken(null);
              location.reload();
            },
          },
          t('sign_out_everywhere'),
        ),
      ),
    );
    main.replaceChildren(...parts);
    return;
  }
  main.replaceChildren(
    h('h1', {}, t('sign_in_or_register')),
    // Sign-in first: on launch night most who come here already have an account.
    h('div', { class: 'grid grid-2 account-grid' }, signInCard(), registerCard()),
  );
}

initPage(render, { current: '/account' });
if (token()) {
  const r = await get('/me');
  if (r.ok) me = r.data;
  else if (r.status === 401) {
    setToken(null);
  } else meFailure = r;
  render();
}
