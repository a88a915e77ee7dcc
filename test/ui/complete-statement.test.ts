import { completeStatement, quoteName, tableName, type Schema } from '../../static/ticket-panel/src/complete-statement';

const schema: Schema = {
  defaultSchema: 'public',
  tables: [
    { schema: 'public', name: 'customers', columns: [{ name: 'id', type: 'int4', masked: null }, { name: 'email', type: 'text', masked: 'email' }, { name: 'Email Alt', type: 'text', masked: null }] },
    { schema: 'public', name: 'orders', columns: [{ name: 'id', type: 'int4', masked: null }, { name: 'customer_id', type: 'int4', masked: null }] },
    { schema: 'billing', name: 'invoices', columns: [{ name: 'total', type: 'numeric', masked: null }] },
  ],
  truncated: false,
};

describe('completing the name typed in the SQL console', () => {
  it('offers the tables that start with the word, qualified outside the default schema', () => {
    expect(completeStatement('SELECT * FROM cu', schema, 'postgres')).toEqual([{ label: 'customers', statement: 'SELECT * FROM customers', masked: false }]);
    expect(completeStatement('SELECT * FROM in', schema, 'postgres').map((offer) => offer.statement)).toEqual(['SELECT * FROM billing.invoices']);
  });

  it('offers the columns of the tables the statement names, saying which are masked, and quotes what needs it', () => {
    expect(completeStatement('SELECT id, e', schema, 'postgres')).toEqual([]);
    expect(completeStatement('SELECT id FROM customers WHERE e', schema, 'postgres')).toEqual([
      { label: 'email', statement: 'SELECT id FROM customers WHERE email', masked: true },
      { label: 'Email Alt', statement: 'SELECT id FROM customers WHERE "Email Alt"', masked: false },
    ]);
    expect(completeStatement('SELECT customers.E', schema, 'mysql').map((offer) => offer.statement)).toEqual(['SELECT customers.email', 'SELECT customers.`Email Alt`']);
  });

  it('offers a schema’s tables after its name and a dot, and nothing for an empty word or a name already whole', () => {
    expect(completeStatement('SELECT * FROM billing.', schema, 'postgres').map((offer) => offer.statement)).toEqual(['SELECT * FROM billing.invoices']);
    expect(completeStatement('SELECT * FROM ', schema, 'postgres')).toEqual([]);
    expect(completeStatement('SELECT * FROM orders', schema, 'postgres')).toEqual([]);
  });

  it('quotes names as each engine reads them', () => {
    expect(quoteName('Mixed', 'postgres')).toBe('"Mixed"');
    expect(quoteName('a"b', 'postgres')).toBe('"a""b"');
    expect(quoteName('Mixed', 'mysql')).toBe('Mixed');
    expect(quoteName('a`b', 'mysql')).toBe('`a``b`');
    expect(tableName({ schema: 'shop', name: 'orders' }, { ...schema, defaultSchema: 'shop' }, 'mysql')).toBe('orders');
  });
});
