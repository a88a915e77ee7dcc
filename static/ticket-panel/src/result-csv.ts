const NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * A console result as CSV (RFC 4180: every field quoted, quotes doubled, CRLF lines; NULL as an empty field).
 * A value a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR, and not a plain number) gets a
 * leading `'`: the database's data must not become a formula on the requester's machine.
 */
export function resultCsv(columns: readonly { name: string }[], rows: readonly (readonly (string | null)[])[]): string {
  const field = (value: string | null) => {
    if (value === null) return '';
    const safe = /^[=+\-@\t\r]/.test(value) && !NUMBER.test(value) ? `'${value}` : value;
    return `"${safe.replaceAll('"', '""')}"`;
  };
  return [columns.map((column) => field(column.name)), ...rows.map((row) => row.map(field))].map((line) => line.join(',')).join('\r\n') + '\r\n';
}
