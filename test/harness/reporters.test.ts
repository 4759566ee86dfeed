// The reporters on hand-made results: what a newcomer reads (pretty), the machine contract
// (json) and what CI systems parse (junit).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HarnessError } from '../../harness/errors.ts';
import {
  createReporter,
  formatJunit,
  jsonReporter,
  junitReporter,
  prettyReporter,
  type Reporter,
  type ReportStream,
  type RunResult,
} from '../../harness/reporters/index.ts';
import type { ScenarioResult } from '../../harness/runner/run-scenario.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';

const TOKEN_LINE = '#1 +0.149s token POST /oauth2/v1/token -> 200 issued c864e70e "issued a 3600s token to demo-client"';
const TOKEN_LINE_2 = '#3 +0.187s token POST /oauth2/v1/token -> 200 issued 1f41920a "issued a 3600s token to demo-client"';

function scenario(overrides: Partial<ScenarioResult>): ScenarioResult {
  return {
    name: 'a-scenario',
    file: '/suite/caching/a-scenario.yaml',
    intent: 'A client does the right thing.',
    tags: ['rule:something', 'caching'],
    verdict: 'pass',
    expectations: [],
    durationMs: 120,
    clientLog: [],
    journal: [],
    ...overrides,
  };
}

/** One scenario of each kind: a pass with a `should` warning, a `must` failure, an error, one not exercised, one not applicable. */
function sampleRun(): RunResult {
  const warned = scenario({
    name: 'reuse-across-time',
    intent: 'A client keeps using its token until shortly before it expires.',
    expectations: [
      { name: 'token requests', rule: 'reuse', level: 'must', verdict: 'pass', explanation: 'The client made 1 token request.', evidence: [TOKEN_LINE] },
      { name: 'early refresh', rule: 'refresh-early', level: 'should', verdict: 'fail', explanation: 'The client refreshed 2 s before expiry; 30 s is safer.', evidence: [TOKEN_LINE_2] },
    ],
    durationMs: 4350,
    clientLog: ['cached token until 12:00'],
    journal: [TOKEN_LINE, TOKEN_LINE_2],
  });
  const failed = scenario({
    name: 'reuse-valid-token',
    file: '/suite/caching/reuse-valid-token.yaml',
    intent: 'A client reuses a valid cached token instead of fetching one for every call.',
    tags: ['rule:reuse', 'caching'],
    verdict: 'fail',
    expectations: [
      {
        name: 'token requests',
        rule: 'reuse',
        level: 'must',
        verdict: 'fail',
        explanation: 'The client made 5 token requests for 5 units of work; expected exactly 1 <&"\'>.',
        evidence: [TOKEN_LINE, TOKEN_LINE_2],
      },
      { name: 'outcome reported by the client', rule: 'reuse', level: 'must', verdict: 'pass', explanation: 'The client reported 5 ok.', evidence: [] },
    ],
    durationMs: 306,
    clientLog: ['[stderr] token cache disabled'],
    journal: [TOKEN_LINE, TOKEN_LINE_2],
  });
  const errored = scenario({
    name: 'early-revocation',
    file: undefined,
    intent: 'After the API revokes its token early, the client fetches a new one.',
    tags: ['rule:recover-invalid-token', 'resource-server'],
    verdict: 'error',
    error: 'the scenario did not finish within its 60 s timeout',
    durationMs: 60_012,
    clientLog: ['starting', '\x1b[31mTypeError: fetch failed\x1b[0m', 'data ]]> and ]]> again \u0001 <b>&amp;</b>'],
    journal: [TOKEN_LINE],
  });
  const untried = scenario({
    name: 'retry-after',
    file: '/suite/authorization-server/retry-after.yaml',
    intent: 'A client told to wait by a 429 asks for no token before that time has passed.',
    tags: ['rule:retry-after', 'authorization-server'],
    verdict: 'not-exercised',
    reason: 'Retry-After respected: No request was answered 429 with Retry-After, so there was no wait to respect.',
    expectations: [
      { name: 'Retry-After respected', rule: 'retry-after', level: 'must', verdict: 'not-exercised', explanation: 'No request was answered 429 with Retry-After, so there was no wait to respect.', evidence: [TOKEN_LINE] },
    ],
    durationMs: 2100,
    journal: [TOKEN_LINE],
  });
  const inapplicable = scenario({
    name: 'refresh-token-consumed',
    file: '/suite/refresh-tokens/refresh-token-consumed.yaml',
    intent: 'A refresh-token client whose refresh token is refused as consumed falls back to its base grant once.',
    tags: ['rule:refresh-token', 'refresh-tokens'],
    verdict: 'not-applicable',
    reason: 'the scenario is about clients that use the password and refresh_token grants; this client declares client_credentials',
    durationMs: 0,
  });
  return {
    reportVersion: 3,
    summary: { passed: 1, failed: 1, errored: 1, notExercised: 1, notApplicable: 1, durationMs: 64_668 },
    scenarios: [warned, failed, errored, untried, inapplicable],
  };
}

/** A stream that keeps what is written; `tty` makes it look like a terminal. */
function collector(tty = false): ReportStream & { text(): string } {
  const chunks: string[] = [];
  return { write: (chunk: string) => chunks.push(chunk), isTTY: tty, columns: 200, text: () => chunks.join('') };
}

/** Plays a run through a reporter's hooks the way runScenarios calls them. */
async function play(reporter: Reporter, result: RunResult): Promise<void> {
  const scenarios = result.scenarios.map((s) => ({ name: s.name }) as Scenario);
  reporter.onRunStart?.(scenarios);
  for (const [index, s] of result.scenarios.entries()) {
    reporter.onScenarioStart?.(scenarios[index] as Scenario);
    reporter.onScenarioResult?.(s);
  }
  await reporter.onRunEnd?.(result);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-reporters-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('pretty reporter', () => {
  it('prints a verdict line per scenario and the summary line in its exact shape', async () => {
    const out = collector();
    await play(prettyReporter({ stream: out, cwd: '/suite' }), sampleRun());
    const text = out.text();
    expect(text).toMatch(/^Running 5 scenarios$/m);
    expect(text).toMatch(/^✓ reuse-across-time {2}4\.35 s {2}\(1 warning\)$/m);
    expect(text).toMatch(/^✗ reuse-valid-token {2}306 ms$/m);
    expect(text).toMatch(/^! early-revocation {2}1 min 0 s {2}\(error\)$/m);
    expect(text).toMatch(/^○ retry-after {2}2\.10 s {2}\(not exercised\)$/m);
    expect(text).toMatch(/^– refresh-token-consumed {2}0 ms {2}\(not applicable\)$/m);
    expect(text).toMatch(/^1 passed, 1 failed, 1 errored, 1 not exercised, 1 not applicable$/m);
    expect(text).toMatch(/^Duration 1 min 5 s$/m);
    expect(text).toMatch(/^1 warning \(should expectations; they do not fail the run\)$/m);
    // Not a terminal: no colours, no live line.
    expect(text).not.toContain('\x1b[');
    expect(text).not.toContain('running 1/5');
  });

  it('explains a scenario not exercised (what was missing) and one not applicable (why, what to declare)', async () => {
    const out = collector();
    await play(prettyReporter({ stream: out, cwd: '/suite' }), sampleRun());
    const untried = out.text().split('○ NOT EXERCISED  retry-after')[1]?.split(/\n\n(?=\S)/)[0] ?? '';
    expect(untried).toContain('(authorization-server/retry-after.yaml)');
    expect(untried).toContain('Neither a pass nor a failure: nothing gave the client a chance to break the rule.');
    expect(untried).toContain('○ not exercised: Retry-After respected  (must, rule "retry-after")');
    expect(untried).toContain('No request was answered 429 with Retry-After');
    expect(untried).toContain(`      ${TOKEN_LINE}`);
    const inapplicable = out.text().split('– NOT APPLICABLE  refresh-token-consumed')[1]?.split(/\n\n(?=\S)/)[0] ?? '';
    expect(inapplicable).toContain('Not run: the scenario is about clients that use the password and refresh_token grants; this client declares client_credentials.');
  });

  it('explains a failure: intent, the failed expectation with rule and level, explanation, evidence indented', async () => {
    const out = collector();
    await play(prettyReporter({ stream: out, cwd: '/suite' }), sampleRun());
    const block = out.text().split('✗ FAILED  reuse-valid-token')[1]?.split(/\n\n(?=\S)/)[0] ?? '';
    expect(block).toContain('(caching/reuse-valid-token.yaml)');
    expect(block).toContain('What it checks: A client reuses a valid cached token instead of fetching one for every call.');
    expect(block).toContain('✗ token requests  (must, rule "reuse")');
    expect(block).toContain('The client made 5 token requests for 5 units of work; expected exactly 1 <&"\'>.');
    expect(block).toContain(`\n      ${TOKEN_LINE}\n      ${TOKEN_LINE_2}`);
    // Expectations that held are not in the way.
    expect(block).not.toContain('outcome reported by the client');
    // What the client printed may say why.
    expect(block).toContain('Last 1 line the client printed:\n    [stderr] token cache disabled');
  });

  it('shows a should failure as a warning of a passing scenario', async () => {
    const out = collector();
    await play(prettyReporter({ stream: out }), sampleRun());
    const block = out.text().split('⚠ WARNING  reuse-across-time')[1] ?? '';
    expect(block).toContain('⚠ warning: early refresh  (should, rule "refresh-early"; a warning does not fail the run)');
    expect(block).toContain('The client refreshed 2 s before expiry; 30 s is safer.');
    expect(block).toContain(`      ${TOKEN_LINE_2}`);
  });

  it('shows an error with the last lines the client printed', async () => {
    const out = collector();
    await play(prettyReporter({ stream: out, clientLogLines: 2 }), sampleRun());
    const block = out.text().split('! ERROR  early-revocation')[1]?.split(/\n\n(?=\S)/)[0] ?? '';
    expect(block).toContain('What it checks: After the API revokes its token early');
    expect(block).toContain('The scenario could not be judged: the scenario did not finish within its 60 s timeout');
    expect(block).toContain('Last 2 lines the client printed:');
    // The client's colours are dropped.
    expect(block).toContain('\n    TypeError: fetch failed\n');
    expect(block).not.toContain('starting');
  });

  it('on a terminal: a live progress line, cleared before each verdict line, and colours', async () => {
    vi.stubEnv('NO_COLOR', '');
    const out = collector(true);
    await play(prettyReporter({ stream: out }), sampleRun());
    const text = out.text();
    expect(text).toContain('running 1/5: reuse-across-time...');
    expect(text).toContain('\r\x1b[2K');
    expect(text).toMatch(/\x1b\[32m✓\x1b\[39m reuse-across-time/);
    // The summary line stays plain, for log scanners.
    expect(text).toMatch(/\n1 passed, 1 failed, 1 errored, 1 not exercised, 1 not applicable\n/);
  });

  it('NO_COLOR turns colours off on a terminal; the live line stays', async () => {
    vi.stubEnv('NO_COLOR', '1');
    const out = collector(true);
    await play(prettyReporter({ stream: out }), sampleRun());
    expect(out.text()).toContain('running 2/5: reuse-valid-token...');
    expect(out.text()).not.toMatch(/\x1b\[\d+m/);
  });

  it('a clean run prints no blocks', async () => {
    const out = collector();
    const result: RunResult = { reportVersion: 3, summary: { passed: 1, failed: 0, errored: 0, notExercised: 0, notApplicable: 0, durationMs: 10 }, scenarios: [scenario({})] };
    await play(prettyReporter({ stream: out }), result);
    expect(out.text()).toBe('Running 1 scenario\n\n✓ a-scenario  120 ms\n\n1 passed, 0 failed, 0 errored, 0 not exercised, 0 not applicable\nDuration 10 ms\n');
  });
});

describe('json reporter', () => {
  it('writes exactly the RunResult, with the contract keys', async () => {
    const out = collector();
    const run = sampleRun();
    await play(jsonReporter({ stream: out }), run);
    const parsed = JSON.parse(out.text()) as RunResult;
    expect(parsed).toEqual(run);
    expect(parsed.reportVersion).toBe(3);
    expect(Object.keys(parsed.summary)).toEqual(['passed', 'failed', 'errored', 'notExercised', 'notApplicable', 'durationMs']);
    expect(parsed.scenarios.map((s) => s.verdict)).toEqual(['pass', 'fail', 'error', 'not-exercised', 'not-applicable']);
    expect(parsed.scenarios[3]?.reason).toContain('no wait to respect');
    for (const s of parsed.scenarios) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'tags', 'verdict', 'expectations']));
      for (const e of s.expectations) expect(Object.keys(e)).toEqual(expect.arrayContaining(['name', 'rule', 'level', 'verdict', 'explanation']));
    }
  });

  it('writes to a file, creating its folder', async () => {
    const file = join(dir, 'nested', 'report.json');
    await play(createReporter('json', { out: file }), sampleRun());
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(sampleRun());
  });
});

describe('junit reporter', () => {
  const parser = new XMLParser({ ignoreAttributes: false, htmlEntities: true, attributeNamePrefix: '', isArray: (name) => name === 'testcase' });
  type Testcase = { classname: string; name: string; time: string; failure?: { message: string; type: string; '#text': string }; error?: { message: string; '#text': string }; 'system-out'?: string };
  const parse = (xml: string) => {
    expect(XMLValidator.validate(xml)).toBe(true);
    // XML 1.0 §2.2: no control characters other than tab, newline, carriage return.
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    const doc = parser.parse(xml) as { testsuites: Record<string, string> & { testsuite: Record<string, string> & { testcase: Testcase[] } } };
    return doc.testsuites;
  };

  it('is well-formed, with one testcase per scenario and the right counts', () => {
    const suites = parse(formatJunit(sampleRun(), { cwd: '/suite' }));
    expect(suites).toMatchObject({ name: 'understudy', tests: '5', failures: '1', errors: '1', skipped: '2', time: '64.668' });
    expect(suites.testsuite).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '2' });
    const cases = suites.testsuite.testcase;
    expect(cases.map((c) => [c.classname, c.name])).toEqual([
      ['caching', 'reuse-across-time'],
      ['caching', 'reuse-valid-token'],
      // No file: the first tag that is not a rule.
      ['resource-server', 'early-revocation'],
      ['authorization-server', 'retry-after'],
      ['refresh-tokens', 'refresh-token-consumed'],
    ]);
    expect(cases[1]).toMatchObject({ time: '0.306', file: 'caching/reuse-valid-token.yaml' });
  });

  it('a failure carries the explanation (escaped) as message and the evidence as body', () => {
    const xml = formatJunit(sampleRun());
    expect(xml).toContain('expected exactly 1 &lt;&amp;&quot;\'&gt;.');
    const failure = parse(xml).testsuite.testcase[1]?.failure;
    expect(failure?.type).toBe('expectation');
    expect(failure?.message).toBe('token requests: The client made 5 token requests for 5 units of work; expected exactly 1 <&"\'>.');
    expect(failure?.['#text']).toContain('What it checks: A client reuses a valid cached token');
    expect(failure?.['#text']).toContain('token requests (must, rule "reuse")');
    expect(failure?.['#text']).toContain(TOKEN_LINE);
    expect(failure?.['#text']).toContain(TOKEN_LINE_2);
  });

  it('an error is an <error> and the client log goes to system-out, made safe for XML', () => {
    const testcase = parse(formatJunit(sampleRun())).testsuite.testcase[2];
    expect(testcase?.error?.message).toBe('the scenario did not finish within its 60 s timeout');
    expect(testcase?.failure).toBeUndefined();
    const out = testcase?.['system-out'] ?? '';
    expect(out).toContain('TypeError: fetch failed');
    expect(out).toContain('data ]]> and ]]> again \uFFFD <b>&amp;</b>');
    expect(out).toContain(`Journal (every request the server saw):\n  ${TOKEN_LINE}`);
  });

  it('a scenario not exercised or not applicable is <skipped> with its reason', () => {
    const cases = parse(formatJunit(sampleRun())).testsuite.testcase as (Record<string, unknown> & { skipped?: { message: string } })[];
    expect(cases[3]?.skipped?.message).toBe('not exercised: Retry-After respected: No request was answered 429 with Retry-After, so there was no wait to respect.');
    expect(cases[3]?.failure).toBeUndefined();
    expect(cases[4]?.skipped?.message).toMatch(/^not applicable: the scenario is about clients that use the password and refresh_token grants/);
    expect(cases[0]?.skipped).toBeUndefined();
  });

  it('a should-only failure passes, with the warning in system-out', () => {
    const testcase = parse(formatJunit(sampleRun())).testsuite.testcase[0];
    expect(testcase?.failure).toBeUndefined();
    expect(testcase?.error).toBeUndefined();
    expect(testcase?.['system-out']).toContain('Warnings (should expectations; they do not fail the scenario):');
    expect(testcase?.['system-out']).toContain('early refresh (should, rule "refresh-early")');
    expect(testcase?.['system-out']).toContain('cached token until 12:00');
  });

  it('keeps line breaks of a multi-line message as character references', () => {
    const run = sampleRun();
    const failed = run.scenarios[1] as ScenarioResult;
    failed.expectations[1] = { ...(failed.expectations[1] as ScenarioResult['expectations'][number]), verdict: 'fail', explanation: 'line one\nline two' };
    const xml = formatJunit(run);
    expect(xml).toContain('&#10;outcome reported by the client: line one&#10;line two"');
    expect(parse(xml).testsuite.testcase[1]?.failure?.message).toContain('expected exactly 1 <&"\'>.\noutcome reported by the client: line one\nline two');
  });

  it('writes to a file or a stream when the run ends', async () => {
    const file = join(dir, 'junit', 'report.xml');
    await play(junitReporter({ out: file }), sampleRun());
    expect(parse(await readFile(file, 'utf8')).tests).toBe('5');
    const out = collector();
    await play(createReporter('junit', { stream: out }), sampleRun());
    expect(out.text()).toBe(formatJunit(sampleRun()));
  });
});

describe('createReporter', () => {
  it('maps the names, and refuses what it does not know with the accepted values', () => {
    for (const name of ['pretty', 'json', 'junit']) expect(createReporter(name, { stream: collector() }).onRunEnd).toBeTypeOf('function');
    expect(() => createReporter('xml')).toThrow(HarnessError);
    expect(() => createReporter('xml')).toThrow('unknown reporter "xml"; use one of pretty, json, junit');
    expect(() => createReporter('pretty', { out: 'x.txt' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
