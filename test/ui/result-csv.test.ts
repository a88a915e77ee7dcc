import { resultCsv } from '../../static/ticket-panel/src/result-csv';

describe('a console result as CSV', () => {
  it('quotes every field, doubles quotes, keeps line breaks inside fields, and writes NULL as an empty field', () => {
    expect(resultCsv([{ name: 'id' }, { name: 'note "x"' }], [['1', 'a,b\nc'], ['2', null]])).toBe('"id","note ""x"""\r\n"1","a,b\nc"\r\n"2",\r\n');
  });

  it('never hands a spreadsheet a formula from the database', () => {
    expect(resultCsv([{ name: '=cmd' }], [['=HYPERLINK("http://x")'], ['-2+3'], ['+cmd|x'], ['@SUM(A1)'], ['\t=1'], ['plain-=']])).toBe(
      `"'=cmd"\r\n"'=HYPERLINK(""http://x"")"\r\n"'-2+3"\r\n"'+cmd|x"\r\n"'@SUM(A1)"\r\n"'\t=1"\r\n"plain-="\r\n`,
    );
  });

  it('keeps plain numbers as they are, signs and exponents included', () => {
    expect(resultCsv([{ name: 'n' }], [['-2'], ['+1.5'], ['-3e-4']])).toBe('"n"\r\n"-2"\r\n"+1.5"\r\n"-3e-4"\r\n');
  });
});
