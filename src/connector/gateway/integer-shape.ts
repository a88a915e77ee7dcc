/** Characters a name, a user variable, a decimal, hex or binary number or a named placeholder may continue with. */
const WORD = /[A-Za-z0-9_$@.:]/;
/** Quotes, backslashes, comments, placeholders: where a server's lexer and a character scan could part ways. */
const UNSAFE = /['"`\\#?]|--|\/\*/;

/**
 * The text with each plain decimal integer (digits standing alone, not in a name, a decimal or a hex number)
 * replaced by `?`; undefined unless the text is printable ASCII with no quote, backslash, comment or placeholder.
 * Two texts with the same shape differ only in the values of such integers, so MySQL reads them as the same
 * statement. It is a key, never a reading: what a statement is still comes from the grammar, once per shape.
 */
export function integerShape(sql: string): string | undefined {
  for (let index = 0; index < sql.length; index += 1) {
    const code = sql.charCodeAt(index);
    if (code > 0x7e || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) return undefined;
  }
  if (UNSAFE.test(sql)) return undefined;
  let shape = '';
  let from = 0;
  for (let index = 0; index < sql.length; index += 1) {
    if (!isDigit(sql.charCodeAt(index)) || (index > 0 && WORD.test(sql.charAt(index - 1)))) continue;
    let end = index;
    while (end < sql.length && isDigit(sql.charCodeAt(end))) end += 1;
    if (end < sql.length && WORD.test(sql.charAt(end))) {
      index = end;
      continue;
    }
    shape += `${sql.slice(from, index)}?`;
    from = end;
    index = end;
  }
  return shape + sql.slice(from);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
