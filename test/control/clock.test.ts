/**
 * The virtual clock through the control API: read, advance, set (epoch seconds or ISO 8601),
 * freeze and resume, and the RFC 9457 problems for bad input.
 */
import { describe, expect, it } from 'vitest';
import { decodePayload, sleep, start, type Reply } from '../api/support/harness.ts';

/** Asserts an RFC 9457 problem document with the given status. */
function expectProblem(reply: Reply<any>, status: number, field?: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  if (field !== undefined) {
    expect(reply.body.field).toBe(field);
    expect(reply.body.detail).toContain(`"${field}"`);
  }
}

describe('GET /_understudy/clock', () => {
  it('answers {now, offset, frozen} tracking real time by default', async () => {
    const h = await start();
    const reply = await h.control('GET', '/clock');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(reply.body).sort()).toEqual(['frozen', 'now', 'offset']);
    expect(reply.body.frozen).toBe(false);
    expect(Math.abs(reply.body.offset)).toBeLessThan(1);
    expect(Math.abs(reply.body.now - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('POST /_understudy/clock/advance', () => {
  it('moves virtual time by the given seconds and answers the new state', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const before = (await h.control('GET', '/clock')).body;
    const reply = await h.control('POST', '/clock/advance', { seconds: 3601 });
    expect(reply.status).toBe(200);
    expect(reply.body.now).toBeCloseTo(before.now + 3601, 6);
    expect(reply.body.frozen).toBe(true);
    expect((await h.control('GET', '/clock')).body.now).toBeCloseTo(before.now + 3601, 6);
  });

  it('on a running clock the offset grows by the advance', async () => {
    const h = await start();
    const reply = await h.control('POST', '/clock/advance', { seconds: 86_400 });
    expect(reply.status).toBe(200);
    expect(reply.body.frozen).toBe(false);
    expect(reply.body.offset).toBeCloseTo(86_400, 0);
    expect(reply.body.now - Date.now() / 1000).toBeGreaterThan(86_400 - 5);
  });

  it('accepts negative and fractional seconds', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const before = (await h.control('GET', '/clock')).body.now;
    expect((await h.control('POST', '/clock/advance', { seconds: -60 })).body.now).toBeCloseTo(before - 60, 6);
    expect((await h.control('POST', '/clock/advance', { seconds: 0.5 })).body.now).toBeCloseTo(before - 59.5, 6);
  });

  it('tokens issued afterwards carry virtual iat/exp', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const { now } = (await h.control('POST', '/clock/advance', { seconds: 10_000 })).body;
    const claims = decodePayload(await h.token());
    expect(claims.iat).toBe(Math.floor(now));
    expect(claims.exp).toBe(Math.floor(now) + 3600);
  });

  const bad: [string, unknown][] = [
    ['missing seconds', {}],
    ['seconds as a string', { seconds: '3601' }],
    ['seconds null', { seconds: null }],
    ['seconds as an array', { seconds: [1] }],
    ['seconds as a boolean', { seconds: true }],
  ];
  for (const [what, body] of bad) {
    it(`${what}: 400 problem naming "seconds", clock unchanged`, async () => {
      const h = await start();
      await h.control('POST', '/clock/freeze');
      const before = (await h.control('GET', '/clock')).body.now;
      expectProblem(await h.control('POST', '/clock/advance', body), 400, 'seconds');
      expect((await h.control('GET', '/clock')).body.now).toBe(before);
    });
  }

  it('no body at all is the same as {}: 400 naming "seconds"', async () => {
    const h = await start();
    expectProblem(await h.request('POST', '/_understudy/clock/advance'), 400, 'seconds');
  });

  it('a body that is not JSON although labelled application/json: 400 problem', async () => {
    const h = await start();
    const reply = await h.request('POST', '/_understudy/clock/advance', { headers: { 'content-type': 'application/json' }, body: '{seconds: 1' });
    expectProblem(reply, 400);
    expect(reply.body.detail).toMatch(/JSON/);
  });

  it('a JSON body that is not an object: 400 problem', async () => {
    const h = await start();
    for (const body of ['[3601]', '3601', '"3601"', 'null']) {
      const reply = await h.request('POST', '/_understudy/clock/advance', { headers: { 'content-type': 'application/json' }, body });
      expectProblem(reply, 400);
    }
  });

  it('a body that is not JSON by its content type: 415 problem', async () => {
    const h = await start();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const reply = await h.request('POST', '/_understudy/clock/advance', { headers: { 'content-type': type }, body: '{"seconds": 1}' });
      expectProblem(reply, 415);
      expect(reply.body.detail).toContain('application/json');
    }
  });

  it('a +json media type is accepted (RFC 6839 structured syntax suffix)', async () => {
    const h = await start();
    const reply = await h.request('POST', '/_understudy/clock/advance', {
      headers: { 'content-type': 'application/vnd.understudy+json; charset=utf-8' },
      body: '{"seconds": 1}',
    });
    expect(reply.status).toBe(200);
  });
});

describe('POST /_understudy/clock/set', () => {
  it('{"time": epoch seconds} sets virtual now', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const reply = await h.control('POST', '/clock/set', { time: 2_000_000_000 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ now: 2_000_000_000, frozen: true });
    expect(decodePayload(await h.token()).iat).toBe(2_000_000_000);
  });

  it('{"time": ISO 8601} sets virtual now', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const reply = await h.control('POST', '/clock/set', { time: '2030-01-01T00:00:00Z' });
    expect(reply.status).toBe(200);
    expect(reply.body.now).toBe(1_893_456_000);
    const offset = await h.control('POST', '/clock/set', { time: '2030-01-01T02:00:00+02:00' });
    expect(offset.body.now).toBe(1_893_456_000);
  });

  it('on a running clock, set moves the clock and it keeps running from there', async () => {
    const h = await start();
    const reply = await h.control('POST', '/clock/set', { time: '2030-01-01T00:00:00Z' });
    expect(reply.body.frozen).toBe(false);
    expect(reply.body.now).toBeGreaterThanOrEqual(1_893_456_000);
    expect(reply.body.now).toBeLessThan(1_893_456_000 + 5);
  });

  const invalid: [string, unknown][] = [
    ['missing time', {}],
    ['an unparseable string', { time: 'next tuesday-ish' }],
    ['an empty string', { time: '' }],
    ['a blank string', { time: '   ' }],
    ['null', { time: null }],
    ['a boolean', { time: true }],
    ['an object', { time: { seconds: 1 } }],
  ];
  for (const [what, body] of invalid) {
    it(`time as ${what}: 400 problem naming "time", clock unchanged`, async () => {
      const h = await start();
      await h.control('POST', '/clock/freeze');
      const before = (await h.control('GET', '/clock')).body.now;
      expectProblem(await h.control('POST', '/clock/set', body), 400, 'time');
      expect((await h.control('GET', '/clock')).body.now).toBe(before);
    });
  }

  it('an instant outside the representable date range is a 400 naming "time"', async () => {
    const h = await start();
    expectProblem(await h.control('POST', '/clock/set', { time: 1e300 }), 400, 'time');
  });

  it('strings that are not valid ISO 8601 date-times are a 400 naming "time"', async () => {
    const h = await start();
    expectProblem(await h.control('POST', '/clock/set', { time: '2030-02-30T00:00:00Z' }), 400, 'time');
    expectProblem(await h.control('POST', '/clock/set', { time: '12' }), 400, 'time');
  });
});

describe('freeze and resume', () => {
  it('a frozen clock stands still across real time', async () => {
    const h = await start();
    const frozen = await h.control('POST', '/clock/freeze');
    expect(frozen.status).toBe(200);
    expect(frozen.body.frozen).toBe(true);
    const first = (await h.control('GET', '/clock')).body;
    await sleep(25);
    const second = (await h.control('GET', '/clock')).body;
    expect(second.now).toBe(first.now);
    expect(second.frozen).toBe(true);
  });

  it('freezing twice keeps the first instant', async () => {
    const h = await start();
    const first = (await h.control('POST', '/clock/freeze')).body.now;
    await sleep(20);
    expect((await h.control('POST', '/clock/freeze')).body.now).toBe(first);
  });

  it('resume continues from the frozen instant and time runs again', async () => {
    const h = await start();
    await h.control('POST', '/clock/freeze');
    const frozenAt = (await h.control('POST', '/clock/set', { time: 1_900_000_000 })).body.now;
    await sleep(25);
    const resumed = await h.control('POST', '/clock/resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body.frozen).toBe(false);
    // Resuming does not jump over the time spent frozen.
    expect(resumed.body.now).toBeGreaterThanOrEqual(frozenAt);
    expect(resumed.body.now - frozenAt).toBeLessThan(0.02);
    await sleep(25);
    const later = (await h.control('GET', '/clock')).body;
    expect(later.now).toBeGreaterThan(resumed.body.now);
  });

  it('resume on a running clock changes nothing', async () => {
    const h = await start();
    await h.control('POST', '/clock/advance', { seconds: 500 });
    const reply = await h.control('POST', '/clock/resume');
    expect(reply.body.frozen).toBe(false);
    expect(reply.body.offset).toBeCloseTo(500, 0);
  });

  it('freeze and resume ignore their body', async () => {
    const h = await start();
    expect((await h.control('POST', '/clock/freeze', { anything: 1 })).status).toBe(200);
    expect((await h.control('POST', '/clock/resume', { anything: 1 })).status).toBe(200);
  });
});

describe('control API routing', () => {
  it('an unknown control route is a 404 problem', async () => {
    const h = await start();
    for (const path of ['/nope', '/clock/rewind', '/assets/nope.js']) {
      const reply = await h.control('GET', path);
      expectProblem(reply, 404);
      expect(reply.body.title).toBe('Not found');
    }
  });

  it('the wrong method on a control route is a 405 problem with Allow (RFC 9110 §15.5.6)', async () => {
    const h = await start();
    const cases: [string, string, string[]][] = [
      ['POST', '/clock', ['GET']],
      ['GET', '/clock/advance', ['POST']],
      ['DELETE', '/clock/freeze', ['POST']],
      ['PUT', '/journal', ['DELETE', 'GET']],
      ['PATCH', '/clients', ['GET', 'POST']],
      // DELETE /keys/{kid} also matches: a key could be named "rotate".
      ['GET', '/keys/rotate', ['DELETE', 'POST']],
    ];
    for (const [method, path, allow] of cases) {
      const reply = await h.control(method, path);
      expectProblem(reply, 405);
      expect(reply.headers.get('allow')?.split(/,\s*/).sort(), `${method} ${path}`).toEqual(allow);
    }
  });

  it('control API answers are not cached', async () => {
    const h = await start();
    expect((await h.control('POST', '/clock/freeze')).headers.get('cache-control')).toBe('no-store');
    expect((await h.control('GET', '/journal')).headers.get('cache-control')).toBe('no-store');
  });

  it('a path that is not properly percent-encoded is a 400 problem, not a crash', async () => {
    const h = await start();
    expectProblem(await h.request('POST', '/_understudy/clients/%E0%A4%A/activate'), 400);
  });
});
