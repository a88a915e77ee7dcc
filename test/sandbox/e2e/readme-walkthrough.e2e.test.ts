import { execFile } from 'node:child_process';
import { docBlock } from '../../docs/support/doc-blocks';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

jest.setTimeout(120_000);

/** Runs a shell script with bash (errors and failed pipes stop it) and returns what it printed. */
function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', script], { timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("the README's REST walk-through, pasted in order against npm start", () => {
  let sandbox: SandboxProcess;

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
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
});
