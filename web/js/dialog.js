// A modal confirmation built on <dialog>: focus is trapped and Escape cancels, by the browser.
// The confirm action runs inside the dialog so a refusal is shown where the buyer is looking.
import { t } from './i18n.js';
import { h } from './format.js';
import { errorBox } from './ui.js';

let seq = 0;

// body: nodes to show; footer: nodes kept in view beside the buttons; action(): Promise<api
// result>; ready(): false disables confirm (e.g. an unticked "I accept" box). Resolves to the
// successful result, or null when dismissed.
export function confirmDialog({
  title,
  body,
  confirmLabel,
  danger = false,
  action,
  ready = () => true,
  footer = [],
}) {
  return new Promise((resolve) => {
    const id = `dlg${++seq}`;
    const errorSlot = h('div', {});
    const confirm = h(
      'button',
      {
        type: 'button',
        class: danger ? 'danger' : 'primary',
        'data-role': 'confirm',
      },
      confirmLabel,
    );
    const dismiss = h('button', { type: 'button', class: 'secondary' }, t('dialog_back'));
    const dialog = h(
      'dialog',
      { 'aria-labelledby': `${id}-t` },
      h('h2', { id: `${id}-t` }, title),
      ...body,
      // The footer stays in view while a long body scrolls: what the confirm button will do
      // (a new price, a refusal) is always next to it.
      h(
        'div',
        { class: 'dialog-footer' },
        ...footer,
        errorSlot,
        h('div', { class: 'actions' }, confirm, dismiss),
      ),
    );
    const refresh = () => {
      confirm.disabled = !ready();
    };
    dialog.addEventListener('input', refresh);
    dialog.addEventListener('change', refresh);
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dismiss.addEventListener('click', () => finish(null));
    dialog.addEventListener('close', () => finish(null));
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      confirm.setAttribute('aria-busy', 'true');
      const result = await action();
      confirm.removeAttribute('aria-busy');
      if (result.ok) {
        finish(result);
        return;
      }
      errorSlot.replaceChildren(errorBox(result));
      refresh();
    });
    document.body.append(dialog);
    refresh();
    dialog.showModal();
  });
}

export function isDialogOpen() {
  return document.querySelector('dialog[open]') !== null;
}
