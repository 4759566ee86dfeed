/**
 * Testing a token client with understudy and vitest: copy this file next to your client and
 * import from 'oauth-understudy/vitest'. Run it with `npx vitest run examples/vitest`.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, useUnderstudy } from '../../integrations/vitest/index.ts';
// The client under test: createClient(env) reads the UNDERSTUDY_* settings and returns { work(unit) }.
import { createClient } from '../clients/well-behaved.ts';

const EMPLOYEES = { path: '/hcmRestApi/resources/11.13.18.05/emps' };

// One IDCS stand-in for this file on 127.0.0.1 and a free port; before each test its journal,
// fault rules and clock start afresh.
const idcs = useUnderstudy();

describe('token client', () => {
  it('reuses one token for many calls', async () => {
    const client = createClient(idcs.env);
    for (let call = 0; call < 3; call += 1) expect(await client.work(EMPLOYEES)).toMatchObject({ ok: true });

    expect(idcs).toHaveRequestedTokens(1);
    expect(idcs).toHaveCalledApi(3);
    expect(idcs).toHaveSentHeader('authorization');
  });

  it('gets a new token and replays once when the API revokes its token early', async () => {
    idcs.addFault('api.revoke_early'); // the 2nd API call answers 401 invalid_token
    const client = createClient(idcs.env);
    await client.work(EMPLOYEES);
    expect(await client.work(EMPLOYEES)).toMatchObject({ ok: true });

    expect(idcs).toHaveReplayedOnceAfterInvalidToken();
    expect(idcs).toHaveRequestedTokens(2);
  });

  it('recovers when the server says its cached token has expired', async () => {
    const client = createClient(idcs.env);
    await client.work(EMPLOYEES);
    idcs.clock.advance(3601); // only the server's clock jumps: the cached token is now expired there
    expect(await client.work(EMPLOYEES)).toMatchObject({ ok: true });

    expect(idcs).toHaveReplayedOnceAfterInvalidToken();
    expect(idcs).toHaveRequestedTokens(2);
  });

  it('passes the built-in early-revocation scenario', async () => {
    const result = await runScenario('early-revocation', { client: createClient });
    expect(result).toPassScenario();
  });
});
