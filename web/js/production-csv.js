// A production run pasted as CSV, one car a line: `VIN,trim,option,option...` (a header line
// starting with "vin" is skipped; blank lines too). Pure, so node tests it without a browser.
// The server checks everything again (the VIN's check character, the trim and options).

/** 17 of A-Z and 0-9 without I, O, Q (ISO 3779); the check character is the server's to test. */
const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;

/**
 * The cars of `text` as the run's body wants them ({vin, trim, options}), and the problems found,
 * each with its 1-based line and the string key of what is wrong (`pr_vin_bad`,
 * `pr_trim_missing`, `pr_vin_repeated`, `pr_too_many` with `vars.n`, the bound: a count of cars).
 */
export function parseCars(text, max) {
  const cars = [];
  const problems = [];
  const seen = new Set();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || /^vin\b/i.test(line)) return;
    const [vin = '', trim = '', ...options] = line.split(/[,\t]/).map((x) => x.trim());
    const at = i + 1;
    const upper = vin.toUpperCase();
    if (!VIN.test(upper)) problems.push({ line: at, key: 'pr_vin_bad' });
    else if (seen.has(upper)) problems.push({ line: at, key: 'pr_vin_repeated' });
    else if (trim === '') problems.push({ line: at, key: 'pr_trim_missing' });
    else {
      seen.add(upper);
      cars.push({ vin: upper, trim, options: options.filter((o) => o !== '') });
    }
  });
  if (cars.length > max) problems.push({ line: 0, key: 'pr_too_many', vars: { n: max } });
  return { cars, problems };
}
