import { execFile } from 'node:child_process';
import { docBlock } from '../../docs/support/doc-blocks';
import { bannerGatewayPort } from './gateway-ticket';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

jest.setTimeout(240_000);

/** Runs a shell script with bash (errors and failed pipes stop it) and returns what it printed. */
function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', script], { timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("the README's walk-throughs, pasted in order against npm start", () => {
  let sandbox: SandboxProcess;

  beforeAll(async () => {
    sandbox = await startSandboxProcess(['--sweep-seconds', '2']);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('creates what it approves, finds the fields and options it uses, and ends with the grant revoked', async () => {
    const block = docBlock('README.md', 'rest-walkthrough');
    expect(block).toContain('B=http://localhost:8080');
    const result = await bash(block.replace('B=http://localhost:8080', `B=${sandbox.url}`));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '{"id":"1","projectKey":"DBA"}',
        '{"id":"1","name":"Database access"}',
        expect.stringMatching(/^\{"fieldId":"customfield_\d+","name":"Database","options":\["shop-dev","shop-prod"\]\}$/),
        expect.stringMatching(/^\{"fieldId":"customfield_\d+","name":"Access level","options":\["read-only","emergency-fix","maintenance","schema-change"\]\}$/),
        'DBA-1 active',
        'internal: policy-approved: requested → approved',
        expect.stringMatching(/^public: Access to shop-dev is active until /),
        'DBA-2 awaiting-approval',
        '{"finalDecision":"approved","canAnswerApproval":false}',
        'DBA-2 active',
        '["Resolve"]',
        'DBA-2 revoked',
      ]),
    );
  });

  it('the gateway walk-through, pasted after the REST one: the console masks, psql connects to the gateway as the grant, and the ticket records what was run', async () => {
    const rest = docBlock('README.md', 'rest-walkthrough').replace('B=http://localhost:8080', `B=${sandbox.url}`);
    const result = await bash([rest, docBlock('README.md', 'gateway-walkthrough')].join('\n'));
    expect(result.code).toBe(0);
    // psql's own report of the refused SET SESSION AUTHORIZATION is the only thing on stderr.
    expect(result.stderr.trim()).toMatch(/^ERROR: {2}permission denied to set session authorization "postgres"$/);
    const port = bannerGatewayPort(sandbox.output());
    const lines = result.stdout.trim().split('\n');
    const after = lines.slice(lines.findIndex((line) => line.startsWith('Database activity')));
    expect(lines).toEqual(
      expect.arrayContaining([
        '[["Ana Lima","a***@example.com"],["Ben Okafor","b***@example.com"]]',
        `{"host":"127.0.0.1","port":${port},"database":"shop_dev"}`,
        expect.stringMatching(/^jit_\w+$/),
        '6',
        'refused',
        expect.stringMatching(/^DBA-\d+ revoked$/),
      ]),
    );
    expect(result.stdout).not.toContain('ana@example.com');
    expect(after).toEqual([
      expect.stringMatching(/^Database activity under grant \S+, through the SQL gateway:$/),
      'Sessions: 3',
      'Statements: 4 (read 3, write 0, DDL 0, other 1)',
      'Tables touched: shop.customers, shop.orders',
      'Refused statements: 0',
      'Errors: 1',
      expect.stringMatching(/^First statement: \w{3} \d+ \w{3} \d{4}, \d\d:\d\d:\d\d UTC; last statement: \w{3} \d+ \w{3} \d{4}, \d\d:\d\d:\d\d UTC$/),
    ]);
  });
});
