import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { csvField, toCsv } from './csv.js';

describe('the CSV writer', () => {
  it('neutralises text a spreadsheet would run as a formula (OWASP), not numbers', () => {
    const table: Array<[string | number | boolean | null, string]> = [
      ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
      ['+86 138', "'+86 138"],
      ['-2+3', "'-2+3"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tcmd', "'\tcmd"],
      ['\rcmd', `"'\rcmd"`],
      [' =1+1', "' =1+1"],
      ['\n=1+1', `"'\n=1+1"`],
      ['a;=1+1', '"a;=1+1"'],
      [-1_000_000, '-1000000'],
      ['-1000000', '-1000000'],
      ['-12.5', '-12.5'],
      [0, '0'],
      ['plain', 'plain'],
      ['a,b', '"a,b"'],
      [null, ''],
      [true, 'true'],
    ];
    for (const [v, out] of table) assert.equal(csvField(v), out, JSON.stringify(v));
  });

  it('writes CRLF records with a final CRLF', () => {
    assert.equal(toCsv(['kind', 'amount_fen'], [['=1+1', -5]]),
      "kind,amount_fen\r\n'=1+1,-5\r\n");
  });
});
