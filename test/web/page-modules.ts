/// <reference types="node" />
// The pages' modules that need no browser, loaded in node: what the tests of their formatting
// share (production-modules, ranges-said-once).
import { pathToFileURL } from 'node:url';

/** Imports a page module by its path from the checkout's root (`web/js/format.js`). */
export const load = (path: string) => import(pathToFileURL(path).href);

/** Runs `fn` with the pages' language set to `lang` (i18n.js reads localStorage). */
export async function inLanguage<T>(lang: 'en' | 'zh', fn: () => T): Promise<T> {
  const g = globalThis as { localStorage?: unknown };
  const before = g.localStorage;
  g.localStorage = { getItem: () => lang, setItem: () => undefined };
  try {
    return fn();
  } finally {
    g.localStorage = before;
  }
}
