// Where a link may send a buyer after sign-in: a page of this site only. The text is resolved
// the way the browser will resolve it and kept only if it stays on this origin: a check of the
// text alone ("starts with one slash") let `/\evil.example` and `/<tab>/evil.example` through,
// which browsers read as another host.

/**
 * The path (with query and fragment) `next` leads to on `origin`, or `fallback` when `next` is
 * empty, not a URL, or leads anywhere else.
 * @param {string | null} next the `next` parameter as given
 * @param {string} origin this page's origin (`location.origin`)
 * @param {string} fallback where to go instead
 * @returns {string}
 */
export function sameSitePath(next, origin, fallback) {
  if (!next) return fallback;
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
  }
}
