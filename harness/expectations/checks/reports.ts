import { isApi, isToken, notExercised, plural, type Check, type JudgeInput } from '../judge-input.ts';

export function headersPresent({ endpoint, headers, minRequests = 1 }: { endpoint: 'token' | 'api'; headers: string[]; minRequests?: number }, { entries }: JudgeInput): Check {
  const wanted = headers.map((h) => h.toLowerCase());
  const relevant = entries.filter((e) => e.endpoint === endpoint);
  if (relevant.length === 0) return notExercised(`No ${endpoint} request was made, so the headers could not be checked.`);
  const missing = relevant.filter((e) => !wanted.every((h) => e.requestHeaders.includes(h)));
  if (missing.length === 0 && relevant.length < minRequests) {
    return notExercised(
      `Only ${plural(relevant.length, `${endpoint} request`)} was made (it carried ${headers.join(', ')}); the rule is about ${minRequests === 2 ? 're-fetches' : `${minRequests} requests`} too, and the client never made ${minRequests === 2 ? 'one' : 'that many'}.`,
      relevant,
    );
  }
  return {
    verdict: missing.length === 0 ? 'pass' : 'fail',
    explanation:
      missing.length === 0
        ? `Every ${endpoint} request (${relevant.length}) carried ${headers.join(', ')}.`
        : `${plural(missing.length, `${endpoint} request`)} of ${relevant.length} lacked ${headers.join(', ')}: send them on every request, re-fetches and retries included.`,
    evidence: missing.length > 0 ? missing : relevant,
  };
}

export function paramsPresent({ params }: { params: string[] }, { entries }: JudgeInput): Check {
  const relevant = entries.filter(isToken);
  if (relevant.length === 0) return notExercised('No token request was made, so the parameters could not be checked.');
  const missing = relevant.filter((e) => !params.every((p) => e.params?.includes(p)));
  return {
    verdict: missing.length === 0 ? 'pass' : 'fail',
    explanation:
      missing.length === 0
        ? `Every token request (${relevant.length}) carried ${params.join(', ')}.`
        : `${plural(missing.length, 'token request')} lacked ${params.join(', ')}: send them on every token request, re-fetches included.`,
    evidence: missing.length > 0 ? missing : relevant,
  };
}

export function outcomes({ ok, failed, reportedWithin }: { ok?: 'all' | 'none' | number; failed?: 'all' | 'none' | number; reportedWithin?: number }, { units, entries }: JudgeInput): Check {
  if (units.length === 0) return notExercised('No unit of work was handed to the client, so it reported nothing.');
  const okCount = units.filter((u) => u.ok).length;
  const failedCount = units.length - okCount;
  const problems: string[] = [];
  const expect = (actual: number, wanted: 'all' | 'none' | number | undefined, word: string) => {
    if (wanted === undefined) return;
    const target = wanted === 'all' ? units.length : wanted === 'none' ? 0 : wanted;
    if (actual !== target) problems.push(`${actual} of ${units.length} units ${word}, expected ${wanted === 'all' || wanted === 'none' ? wanted : target}`);
  };
  expect(okCount, ok, 'succeeded');
  expect(failedCount, failed, 'failed');
  if (reportedWithin !== undefined) {
    const slow = units.filter((u) => u.elapsedMs > reportedWithin * 1000);
    if (slow.length > 0) problems.push(`${plural(slow.length, 'unit')} took longer than ${reportedWithin} s to report`);
  }
  const failures = units.filter((u) => !u.ok).slice(0, 3).map((u) => `unit ${u.id}: ${u.error ?? `status ${u.status}`}`);
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    explanation:
      problems.length === 0
        ? `The client reported ${okCount} ok and ${failedCount} failed, as expected.`
        : `${problems.join('; ')}.${failures.length ? ` The client said: ${failures.join('; ')}.` : ''}`,
    evidence: entries.filter(isApi).slice(-4),
  };
}

export function exitCode(code: number, { exit }: JudgeInput): Check {
  if (!exit) return notExercised('The program did not run to an end, so it has no exit code.');
  return {
    verdict: exit.code === code ? 'pass' : 'fail',
    explanation: `The program exited with ${exit.code ?? `signal ${exit.signal}`}${exit.killed ? ' (killed after its time ran out)' : ''}; expected ${code}.`,
  };
}
