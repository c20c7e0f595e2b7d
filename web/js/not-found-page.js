// The page a browser gets for an address that has none (the server answers 404 with it).
import { initPage } from './ui.js';
import { t } from './i18n.js';

initPage(() => {
  document.title = `${t('not_found_title')} · launchday`;
});
