import { parseCommandLine, resolveOptions } from '../../../src/sandbox/start/options';
import { printReadableLogs, readableLogLine } from '../../../src/sandbox/start/log-lines';

const at = new Date(2026, 10, 29, 22, 14, 5);

describe('the sandbox log on a terminal', () => {
  it.each([
    ['an event with facts', '{"event":"grant.active","ticket":"DBA-1","attempts":2}', '22:14:05  grant.active  ticket=DBA-1 attempts=2'],
    ['an event alone', '{"event":"reconcile.done"}', '22:14:05  reconcile.done'],
    ['a value with spaces, quoted', '{"event":"resolver.failed","error":"bad thing"}', '22:14:05  resolver.failed  error="bad thing"'],
    ['JSON without an event, unchanged', '{"level":30}', '{"level":30}'],
    ['plain text, unchanged', 'Ctrl-C stops everything.', 'Ctrl-C stops everything.'],
  ])('%s', (_name, line, expected) => {
    expect(readableLogLine(line, at)).toBe(expected);
  });

  it('prints console.log lines readably; --log json keeps JSON, and anything else is refused', () => {
    const written: string[] = [];
    const original = console.log;
    try {
      printReadableLogs((text) => written.push(text));
      console.log(JSON.stringify({ event: 'sweep.done', due: 0 }));
    } finally {
      console.log = original;
    }
    expect(written).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d {2}sweep\.done {2}due=0\n$/)]);
    const options = (argv: string[]) => {
      const command = parseCommandLine(argv);
      if (command.help) throw new Error('help');
      return resolveOptions({ ...command.input, dataDir: '/tmp/x' }).log;
    };
    expect(options([])).toBe('text');
    expect(options(['--log', 'json'])).toBe('json');
    expect(() => options(['--log', 'yaml'])).toThrow('--log is text or json');
  });
});
