// `understudy run` end to end: the real CLI process, real example clients, the built-in scenarios.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../harness/cli/exit-codes.ts';
import type { RunResult } from '../../harness/reporters/reporter.ts';
import { assertNoStaleBuild, runCli, stopAll } from '../cli/cli-process.ts';
import { README_COMMANDS } from '../docs/readme-commands.ts';

const WELL_BEHAVED = 'node examples/clients/well-behaved.ts';
const TOKEN_PER_CALL = 'node examples/clients/token-per-call.ts';
/** Three quick scenarios from two areas, so the tests do not wait for the whole suite. */
const QUICK = ['caching/reuse-valid-token', 'caching/single-flight-cold-start', 'resource-server/early-revocation'];

let dir: string;
beforeAll(async () => {
  assertNoStaleBuild();
  dir = await mkdtemp(join(tmpdir(), 'understudy-run-'));
});
afterAll(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('understudy run judges a client', () => {
  it('a well-behaved client: exit 0, every scenario passed', async () => {
    const result = await runCli(['run', '--client', WELL_BEHAVED, ...QUICK]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^3 passed, 0 failed, 0 errored, 0 not exercised, 0 not applicable$/m);
    for (const name of ['reuse-valid-token', 'single-flight-cold-start', 'early-revocation']) expect(result.stdout).toMatch(new RegExp(`^✓ ${name} `, 'm'));
  });

  it('a client that fetches a token per call: exit 1, naming the expectation and quoting the journal', async () => {
    const result = await runCli(['run', '--client', TOKEN_PER_CALL, 'caching/reuse-valid-token']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✗ reuse-valid-token /m);
    expect(result.stdout).toContain('What it checks: A client reuses a valid cached token instead of fetching one for every call.');
    expect(result.stdout).toContain('✗ reuses a valid token  (must, rule "reuse")');
    expect(result.stdout).toContain('4 token requests while the client held a token that was still good');
    expect(result.stdout).toMatch(/^ {6}#1 \+\d+\.\d{3}s token POST \S+ -> 200 issued [0-9a-f]{8} /m);
    expect(result.stdout).toMatch(/^0 passed, 1 failed, 0 errored, 0 not exercised, 0 not applicable$/m);
    expect(result.stderr).toBe('understudy: 1 scenario run: 1 failed\n');
  });

  it('--reporter json --out FILE: the contract JSON in the file, nothing on stdout', async () => {
    const file = join(dir, 'json', 'result.json');
    const result = await runCli(['run', '--client', TOKEN_PER_CALL, '--reporter', 'json', '--out', file, 'caching/reuse-valid-token', 'caching/single-flight-cold-start']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const report = JSON.parse(await readFile(file, 'utf8')) as RunResult;
    expect(report.reportVersion).toBe(3);
    expect(report.summary).toMatchObject({ passed: 0, failed: 2, errored: 0, notExercised: 0, notApplicable: 0 });
    expect(report.scenarios.map((s) => [s.name, s.verdict])).toEqual([
      ['reuse-valid-token', 'fail'],
      ['single-flight-cold-start', 'fail'],
    ]);
    const failed = report.scenarios[0]?.expectations.find((e) => e.verdict === 'fail');
    expect(failed).toMatchObject({ name: 'reuses a valid token', rule: 'reuse', level: 'must', verdict: 'fail', bounds: { refreshMargin: 300 } });
    expect(failed?.explanation).toContain('while the client held a token that was still good');
    expect(report.scenarios[0]?.tags).toEqual(['rule:reuse', 'caching']);
  });

  it('--reporter pretty --reporter junit --out FILE: valid JUnit XML in the file, pretty on stdout', async () => {
    const file = join(dir, 'junit.xml');
    const result = await runCli(['run', '--client', TOKEN_PER_CALL, '--reporter', 'pretty', '--reporter', 'junit', '--out', file, 'caching/reuse-valid-token', 'resource-server/early-revocation']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1 passed, 1 failed, 0 errored, 0 not exercised, 0 not applicable$/m);
    const xml = await readFile(file, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const suites = (new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: Record<string, unknown> & { testsuite: { testcase: Record<string, unknown>[] } } }).testsuites;
    expect(suites).toMatchObject({ tests: '2', failures: '1', errors: '0' });
    expect(suites.testsuite.testcase.map((c) => [c.classname, c.name, 'failure' in c])).toEqual([
      ['caching', 'reuse-valid-token', true],
      ['resource-server', 'early-revocation', false],
    ]);
  });
});

describe.concurrent('understudy run: what the client declares, and the bounds', () => {
  it('a scenario the client does not declare it can do is not applicable, says why, and does not fail the run', async () => {
    const result = await runCli(['run', '--client', WELL_BEHAVED, 'refresh-token-consumed', 'hanging-token-endpoint']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^– refresh-token-consumed {2}\d+ ms {2}\(not applicable\)$/m);
    expect(result.stdout).toContain('Not run: the scenario is about clients that use the password and refresh_token grants');
    expect(result.stdout).toContain('declares no requestTimeout');
    expect(result.stdout).toMatch(/^0 passed, 0 failed, 0 errored, 0 not exercised, 2 not applicable$/m);
  });

  it('--declare FILE (the example clients\' declaration) judges the whole suite: nothing is left out (the README\'s command)', async () => {
    const file = join(dir, 'declared-suite.json');
    const result = await runCli([...README_COMMANDS.declareFile, '--parallel', '8', '--reporter', 'json', '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(file, 'utf8')) as RunResult;
    expect(report.summary).toMatchObject({ failed: 0, errored: 0, notExercised: 0, notApplicable: 0 });
    expect(report.summary.passed).toBe(report.scenarios.length);
  }, 60_000);

  it('--bound sets a bound, named in the verdict (the README\'s command)', async () => {
    const file = join(dir, 'declared.json');
    const result = await runCli([...README_COMMANDS.bound, '--reporter', 'json', '--out', file, 'refresh-token-consumed', 'hanging-token-endpoint']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(file, 'utf8')) as RunResult;
    expect(report.scenarios.map((s) => [s.name, s.verdict])).toEqual([
      ['hanging-token-endpoint', 'pass'],
      ['refresh-token-consumed', 'pass'],
    ]);
    const abandoned = report.scenarios[0]?.expectations[0];
    expect(abandoned?.bounds).toEqual({ giveUpWithin: 9 });
    expect(abandoned?.explanation).toContain('Bounds: giveUpWithin = 9 s (set for this run).');
  });

  it('runs the sign-in scenarios on the README\'s plain-Node sign-in client (the README\'s command)', async () => {
    const file = join(dir, 'sign-in.json');
    const result = await runCli([...README_COMMANDS.signIn, '--parallel', '8', '--reporter', 'json', '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(file, 'utf8')) as RunResult;
    expect(report.summary).toMatchObject({ passed: 10, failed: 0, errored: 0, notExercised: 0, notApplicable: 6 });
  }, 60_000);

  it.skipIf(!existsSync('/usr/bin/chromium'))('--browser chromium signs the person in with a real browser (the README\'s command)', async () => {
    const result = await runCli([...README_COMMANDS.chromium]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^✓ logout-ends-session /m);
  }, 60_000);

  it('--browser takes http or chromium only', async () => {
    const result = await runCli(['run', '--client', 'true', '--browser', 'firefox']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Give http or chromium.');
  });

  it('--declare key=value works without a file (the README\'s command)', async () => {
    const result = await runCli([...README_COMMANDS.declareOption]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^✓ hanging-token-endpoint /m);
  });

  it('a client that cannot be started is a usage error (exit 2), though some scenarios were not applicable to it', async () => {
    const result = await runCli(['run', '--client', 'understudy-no-such-client-command', '--parallel', '8', '--reporter', 'json', '--out', join(dir, 'no-client.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the client "understudy-no-such-client-command" could not be run (exit 127');
  }, 60_000);

  it.each([
    [['--declare', 'no/such/file.yaml'], /--declare: no such file: .*no\/such\/file\.yaml/],
    [['--declare', 'speed=fast'], /unknown key speed; declare grants, requestTimeout, headers, openid, public or redirectUri/],
    [['--declare', 'requestTimeout=-3'], /requestTimeout: Too small/],
    [['--bound', 'patience=3'], /--bound patience=3: give name=value with a name among expiryLatency, refreshMargin/],
    [['--bound', 'giveUpWithin=soon'], /--bound giveUpWithin=soon: the value must be a number/],
  ])('refuses %j with exit 2', async (args, message) => {
    const result = await runCli(['run', '--client', WELL_BEHAVED, ...args, 'reuse-valid-token']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe.concurrent('understudy run refuses what it cannot use: exit 2', () => {
  it('no client flag', async () => {
    const result = await runCli(['run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('say which client to test: --client "CMD"');
    expect(result.stdout).toBe('');
  });

  it('two client flags', async () => {
    const result = await runCli(['run', '--client', WELL_BEHAVED, '--client-module', 'examples/clients/well-behaved.ts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give only one of --client, --client-module');
  });

  it('an unknown scenario name, listing the known ones', async () => {
    const result = await runCli(['run', '--client', WELL_BEHAVED, 'no-such-scenario']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no scenario matches no-such-scenario; known scenarios: .*reuse-valid-token/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    [['--reporter', 'xml'], /Allowed reporters are pretty, json, junit/],
    [['--parallel', '0'], /--parallel .*from 1 to 64/],
    [['--out', 'x.json'], /--out is for the json and junit reports/],
    [['--reporter', 'pretty', '--reporter', 'json'], /pretty and json would all write to stdout; send json to a file with --out FILE/],
    [['--scenarios-dir', 'no/such/dir'], /--scenarios-dir: no such folder/],
  ])('%j', async (args, message) => {
    const result = await runCli(['run', '--client', WELL_BEHAVED, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('an invalid scenario file, naming the file and the field', async () => {
    const scenarios = join(dir, 'bad-scenarios', 'caching');
    await mkdir(scenarios, { recursive: true });
    await writeFile(join(scenarios, 'broken.yaml'), 'intent: A broken scenario.\ntimeline: [{ work: { count: -1 } }]\nexpect: []\n');
    const result = await runCli(['run', '--client', WELL_BEHAVED, '--scenarios-dir', join(dir, 'bad-scenarios')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('broken.yaml');
    expect(result.stderr).toContain('timeline[0].work.count');
  });

  it.each([
    [['--client-url', 'localhost:8080'], /--client-url .*must start with http/],
    [['--client-module', 'no/such/client.ts'], /--client-module: no such file: .*no\/such\/client\.ts/],
  ])('%j', async (args, message) => {
    const result = await runCli(['run', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('--faketime', () => {
  it('only goes with --client', async () => {
    const result = await runCli(['run', '--client-module', 'x.ts', '--faketime', '60']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--faketime goes with --client');
  });

  it('refuses a rate that is not a speed-up', async () => {
    const result = await runCli(['run', '--client', 'node x.js', '--faketime', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--faketime must be a speed-up between 1 and 10000');
  });
});

describe('--configure', () => {
  it('only goes with --client-url', async () => {
    const result = await runCli(['run', '--client', 'node x.js', '--configure', 'true']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--configure goes with --client-url');
  });
});
