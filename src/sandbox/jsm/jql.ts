import { ApiError } from './errors';
import type { Issue, State } from './state';

/**
 * The slice of JQL an app's own searches use: `field op value` clauses joined by AND, with `=`, `!=`,
 * `in`, `not in`, on project, key, status, statusCategory, issuetype, reporter, assignee, resolution and
 * `issue.property[key].path`, and an optional ORDER BY created|updated|key. Anything else is refused
 * with Jira's 400, so a query that works here is a query Jira understands.
 */
export type JqlQuery = { matches(issue: Issue): boolean; compare(a: Issue, b: Issue): number };

type Token = { kind: 'word' | 'string' | 'punct'; text: string; at: number };

const jqlError = (message: string) => new ApiError(400, `Error in the JQL Query: ${message}`);

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(!=|[=(),])|([\w.\-[\]]+))/y;
  let index = 0;
  while (index < jql.length) {
    if (/^\s*$/.test(jql.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(jql);
    if (!match) {
      const rest = jql.slice(index);
      const at = index + (rest.length - rest.trimStart().length);
      throw jqlError(`The character '${jql[at] ?? ''}' is a reserved JQL character. (line 1, character ${at + 1})`);
    }
    const at = index + (match[0].length - match[0].trimStart().length);
    if (match[1] !== undefined || match[2] !== undefined) tokens.push({ kind: 'string', text: (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1'), at });
    else if (match[3] !== undefined) tokens.push({ kind: 'punct', text: match[3], at });
    else tokens.push({ kind: 'word', text: match[4] ?? '', at });
    index = pattern.lastIndex;
  }
  return tokens;
}

type FieldGetter = (issue: Issue) => string[];

function propertyGetter(field: string): FieldGetter | null {
  const match = /^issue\.property\[([^\]]+)\]((?:\.[\w-]+)*)$/i.exec(field);
  if (!match) return null;
  const [, key = '', path = ''] = match;
  return (issue) => {
    let value: unknown = issue.properties.get(key);
    for (const part of path.split('.').filter(Boolean)) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    return value === undefined || value === null ? [] : [String(value).toLowerCase()];
  };
}

function fieldGetter(state: State, field: string): FieldGetter {
  const byName = (id: string | null | undefined, name: string | undefined) => [id, name].filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
  switch (field.toLowerCase()) {
    case 'project':
      return (issue) => byName(state.projects.get(issue.projectKey)?.id, issue.projectKey).concat(byName(null, state.projects.get(issue.projectKey)?.name));
    case 'key':
    case 'issuekey':
    case 'id':
      return (issue) => byName(issue.id, issue.key);
    case 'status':
      return (issue) => byName(issue.statusId, state.statuses.get(issue.statusId)?.name);
    case 'statuscategory': {
      const names = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' } as const;
      return (issue) => {
        const category = state.statuses.get(issue.statusId)?.category;
        return category ? byName(category, names[category]) : [];
      };
    }
    case 'issuetype':
    case 'type':
      return (issue) => byName(issue.issueTypeId, state.issueTypes.get(issue.issueTypeId)?.name);
    case 'reporter':
      return (issue) => byName(issue.reporterId, undefined);
    case 'assignee':
      return (issue) => byName(issue.assigneeId, undefined);
    case 'resolution':
      return (issue) => (issue.resolutionId ? byName(issue.resolutionId, state.resolutions.get(issue.resolutionId)?.name) : ['unresolved']);
    default: {
      const property = propertyGetter(field);
      if (!property) throw new ApiError(400, `Field '${field}' does not exist or you do not have permission to view it.`);
      return property;
    }
  }
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  next(expected: string): Token {
    const token = this.tokens[this.position];
    if (!token) throw jqlError(`Expecting ${expected} but reached the end of the query.`);
    this.position += 1;
    return token;
  }

  keyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind === 'word' && token.text.toLowerCase() === word) {
      this.position += 1;
      return true;
    }
    return false;
  }

  value(): string {
    const token = this.next('a value');
    if (token.kind === 'punct') throw jqlError(`Expecting a value but got '${token.text}'. (line 1, character ${token.at + 1})`);
    if (token.kind === 'word' && this.peek()?.text === '(') {
      this.next('(');
      this.expect(')');
      if (token.text.toLowerCase() !== 'currentuser') throw jqlError(`Unable to find JQL function '${token.text}()'.`);
      return 'currentUser()';
    }
    return token.text;
  }

  expect(text: string): void {
    const token = this.next(`'${text}'`);
    if (token.text !== text) throw jqlError(`Expecting '${text}' but got '${token.text}'. (line 1, character ${token.at + 1})`);
  }

  done(): boolean {
    return this.position >= this.tokens.length;
  }
}

type Clause = { field: string; negate: boolean; values: string[] };

function parseClause(parser: Parser): Clause {
  const field = parser.next('a field name');
  if (field.kind === 'punct') throw jqlError(`Expecting a field name but got '${field.text}'. (line 1, character ${field.at + 1})`);
  const operator = parser.next('an operator');
  if (operator.text === '=' || operator.text === '!=') return { field: field.text, negate: operator.text === '!=', values: [parser.value()] };
  let negate = false;
  if (operator.kind === 'word' && operator.text.toLowerCase() === 'not') {
    negate = true;
    if (!parser.keyword('in')) throw jqlError(`Expecting 'in' after 'not'. (line 1, character ${operator.at + 1})`);
  } else if (!(operator.kind === 'word' && operator.text.toLowerCase() === 'in')) {
    throw jqlError(`Expecting operator but got '${operator.text}'. Valid operators are '=', '!=', 'in' and 'not in' here. (line 1, character ${operator.at + 1})`);
  }
  parser.expect('(');
  const values = [parser.value()];
  while (parser.peek()?.text === ',') {
    parser.next(',');
    values.push(parser.value());
  }
  parser.expect(')');
  return { field: field.text, negate, values };
}

function parseOrder(parser: Parser): { field: 'created' | 'updated' | 'key'; descending: boolean }[] {
  const order: { field: 'created' | 'updated' | 'key'; descending: boolean }[] = [];
  do {
    const field = parser.next('a field to order by').text.toLowerCase();
    if (field !== 'created' && field !== 'updated' && field !== 'key') throw jqlError(`Ordering by '${field}' is not supported.`);
    const descending = parser.keyword('desc');
    if (!descending) parser.keyword('asc');
    order.push({ field, descending });
  } while (parser.peek()?.text === ',' && parser.next(','));
  return order;
}

function checkValues(state: State, clause: Clause): void {
  if (clause.field.toLowerCase() !== 'project') return;
  for (const value of clause.values) {
    if (!state.findProject(value) && ![...state.projects.values()].some((p) => p.name.toLowerCase() === value.toLowerCase())) {
      throw new ApiError(400, `The value '${value}' does not exist for the field 'project'.`);
    }
  }
}

export function parseJql(state: State, jql: string, currentUser: string): JqlQuery {
  const parser = new Parser(tokenize(jql));
  const clauses: Clause[] = [];
  let order = [{ field: 'created' as const, descending: true }] as ReturnType<typeof parseOrder>;
  while (!parser.done()) {
    if (parser.keyword('order')) {
      if (!parser.keyword('by')) throw jqlError("Expecting 'by' after 'order'.");
      order = parseOrder(parser);
      if (!parser.done()) throw jqlError(`Unexpected '${parser.peek()?.text ?? ''}' after ORDER BY.`);
      break;
    }
    if (clauses.length > 0 && !parser.keyword('and')) {
      const token = parser.next("'AND'");
      throw jqlError(`Expecting either 'AND' or 'ORDER BY' but got '${token.text}'. (line 1, character ${token.at + 1})`);
    }
    clauses.push(parseClause(parser));
  }
  const predicates = clauses.map((clause) => {
    checkValues(state, clause);
    const get = fieldGetter(state, clause.field);
    const wanted = clause.values.map((v) => (v === 'currentUser()' ? currentUser : v).toLowerCase());
    return (issue: Issue) => get(issue).some((value) => wanted.includes(value)) !== clause.negate;
  });
  const sortValue = (issue: Issue, field: 'created' | 'updated' | 'key') =>
    field === 'key' ? Number(issue.id) : field === 'created' ? issue.created.getTime() : issue.updated.getTime();
  return {
    matches: (issue) => predicates.every((predicate) => predicate(issue)),
    compare: (a, b) => {
      for (const { field, descending } of order) {
        const diff = sortValue(a, field) - sortValue(b, field);
        if (diff !== 0) return descending ? -diff : diff;
      }
      // Issues created in the same millisecond keep their creation order.
      return order[0]?.descending ? Number(b.id) - Number(a.id) : Number(a.id) - Number(b.id);
    },
  };
}
