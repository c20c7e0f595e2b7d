// A value kept as JSON for this browser tab (sessionStorage): it survives a reload and a trip to
// another page of the site in the same tab, and goes with the tab. Storage may be disabled or
// full (private modes): then nothing is kept and reads find nothing, which every caller allows.

/** `{read, keep, forget}` for the value under `key`; `read()` is null when nothing is kept. */
export function tabValue(key) {
  return {
    read() {
      try {
        return JSON.parse(sessionStorage.getItem(key) || 'null');
      } catch {
        return null;
      }
    },
    keep(value) {
      try {
        sessionStorage.setItem(key, JSON.stringify(value));
      } catch {
        /* best effort */
      }
    },
    forget() {
      try {
        sessionStorage.removeItem(key);
      } catch {
        /* nothing kept */
      }
    },
  };
}
