/**
 * Fuzzes the OAuth endpoints (token, introspection, revocation) and the control API with
 * random and malformed bodies, content types, Basic headers, unicode, deep JSON and bodies
 * above maxBodyBytes: every answer is 4xx (or 2xx for a valid input) with a JSON error text,
 * never a 5xx, and the server still issues a token afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type UnderstudyServer } from '../../server/index.ts';
import { presetNames } from '../../server/faults/presets.ts';
import { CaseCounter, SEED, expectSaneAnswer, runs, send } from './support.ts';

const MAX_BODY = 8192;
const counter = new CaseCounter();
let server: UnderstudyServer;

beforeAll(async () => {
  server = await createServer({ port: 0, config: { server: { maxBodyBytes: MAX_BODY } } });
});
afterAll(async () => {
  counter.report('http-endpoints');
  await server?.close();
});

const OAUTH_PATHS = ['/oauth2/v1/token', '/oauth2/v1/introspect', '/oauth2/v1/revoke'];

const contentType = fc.oneof(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'APPLICATION/X-WWW-FORM-URLENCODED',
    'application/json',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded; charset=latin1',
    '',
  ),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);

const formValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('client_credentials', 'password', 'refresh_token', 'authorization_code', 'demo-client', 'demo-secret', 'access_token', 'refresh_token'),
);
const formKey = fc.oneof(
  fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'token', 'token_type_hint', 'refresh_token', 'username', 'password', 'client_assertion', 'client_assertion_type'),
  fc.string({ maxLength: 12 }),
);

/** A form body: well-formed pairs (sometimes repeated keys), raw junk, or unicode/binary text. */
const formBody = fc.oneof(
  fc.array(fc.tuple(formKey, formValue), { maxLength: 8 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('%', '%%', '%zz=1', '=&=&', '&&&', 'a=%E0%A4%A', 'grant_type=client_credentials&grant_type=client_credentials'),
);

const basicCredentials = fc.oneof(
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([id, secret]) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  fc.string({ maxLength: 40 }).map((s) => `Basic ${s}`),
  fc.constantFrom('Basic', 'Basic ', 'Basic ====', 'Basic Og==', 'basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=', 'Bearer abc', 'Basic ZGVtby1jbGllbnQ6', 'Basic OmRlbW8tc2VjcmV0'),
  fc.string({ maxLength: 60 }),
).filter((value) => /^[\x20-\x7e]*$/.test(value) && value.trim() === value);

const authorization = fc.option(basicCredentials, { nil: undefined });

describe('OAuth endpoints', () => {
  it('random bodies, content types and Basic headers never get a 5xx', async () => {
    const numRuns = runs(150);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OAUTH_PATHS), contentType, formBody, authorization, fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'GET'), async (path, type, body, auth, method) => {
        counter.tick('oauth random bodies');
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (auth !== undefined) headers.authorization = auth;
        const answer = await send(`${server.url}${path}`, { method, headers, body: method === 'GET' ? undefined : body });
        expectSaneAnswer(answer, `${method} ${path} ${type} ${JSON.stringify(auth)} ${JSON.stringify(body).slice(0, 200)}`);
      }),
      { seed: SEED, numRuns },
    );
  });

  it('bodies above maxBodyBytes are refused with 413 (declared or chunked)', async () => {
    const numRuns = runs(30);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OAUTH_PATHS), fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 4 }), fc.boolean(), async (path, size, chunked) => {
        counter.tick('oauth huge bodies');
        const text = `grant_type=client_credentials&scope=${'a'.repeat(size)}`;
        const body = chunked
          ? new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode(text));
                controller.close();
              },
            })
          : text;
        const answer = await send(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=' },
          body,
          ...(chunked ? { duplex: 'half' } : {}),
        } as RequestInit);
        expect(answer.status, `${path} ${size} chunked=${chunked}`).toBe(413);
        expectSaneAnswer(answer, `${path} huge ${size}`);
      }),
      { seed: SEED, numRuns },
    );
  });
});

const jsonTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/plain', 'application/x-www-form-urlencoded', '');

function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON-ish body: random JSON values, objects shaped like the route's input, deep nesting, junk. */
function controlBody(shaped: fc.Arbitrary<unknown>) {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    shaped.map((v) => JSON.stringify(v)),
    fc.tuple(fc.integer({ min: 1, max: 4000 }), fc.constantFrom('array' as const, 'object' as const)).map(([depth, kind]) => deepJson(depth, kind)),
    fc.string({ maxLength: 100 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.constantFrom('', '{', '{"seconds":', 'null', '[]', '"x"', '1e309', '{"__proto__": {"seconds": 1}}', '{"constructor": {"prototype": {}}}'),
  );
}

const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, 8.64e15, -8.64e15, 1e20, 0, -0), fc.string({ maxLength: 10 }));

const advanceShape = fc.record({ seconds: number }, { requiredKeys: [] });
const faultShape = fc.oneof(
  fc.record(
    {
      preset: fc.oneof(fc.constantFrom(...presetNames()), fc.string({ maxLength: 10 })),
      params: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      match: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ times: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.double()), endpoint: fc.string({ maxLength: 10 }) }, { requiredKeys: [] })),
      id: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom('action', 'match', 'id', 'preset', 'when', 'type'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
);
const clientShape = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.integer()),
    secret: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
    name: fc.string({ maxLength: 20 }),
    grants: fc.oneof(fc.array(fc.constantFrom('client_credentials', 'password', 'refresh_token', 'authorization_code', 'x')), fc.jsonValue({ maxDepth: 1 })),
    scopes: fc.jsonValue({ maxDepth: 3 }),
    authMethod: fc.constantFrom('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none', 'x'),
    jwks: fc.jsonValue({ maxDepth: 3 }),
    accessTokenTtl: number,
  },
  { requiredKeys: [] },
);

const CONTROL_ROUTES: { path: string; shape: fc.Arbitrary<unknown> }[] = [
  { path: '/_understudy/clock/advance', shape: advanceShape },
  { path: '/_understudy/faults', shape: faultShape },
  { path: '/_understudy/clients', shape: clientShape },
];

describe('control API', () => {
  for (const route of CONTROL_ROUTES) {
    it(`POST ${route.path}: random, shaped, deep and malformed JSON never gets a 5xx`, async () => {
      const numRuns = runs(150);
      await fc.assert(
        fc.asyncProperty(controlBody(route.shape), jsonTypes, async (body, type) => {
          counter.tick(`POST ${route.path}`);
          const headers: Record<string, string> = {};
          if (type) headers['content-type'] = type;
          const answer = await send(`${server.url}${route.path}`, { method: 'POST', headers, body });
          expectSaneAnswer(answer, `POST ${route.path} ${type} ${body.slice(0, 300)}`);
          // Leave the server as it was: an accepted fault rule would change later answers.
          if (route.path.endsWith('/faults') && answer.status === 201) {
            const removed = await send(`${server.url}/_understudy/faults/${encodeURIComponent(answer.body.id)}`, { method: 'DELETE' });
            expect(removed.status).toBe(204);
          }
          if (route.path.endsWith('/clock/advance') && answer.status === 200) {
            await send(`${server.url}/_understudy/clock/set`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ time: Date.now() / 1000 }) });
          }
        }),
        { seed: SEED, numRuns },
      );
    });
  }

  it('control bodies above maxBodyBytes are refused with 413', async () => {
    const numRuns = runs(20);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTROL_ROUTES.map((r) => r.path)), fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 4 }), async (path, size) => {
        counter.tick('control huge bodies');
        const answer = await send(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(size) }) });
        expect(answer.status).toBe(413);
        expectSaneAnswer(answer, `${path} huge ${size}`);
      }),
      { seed: SEED, numRuns },
    );
  });

  it('after the fuzzing, the server still issues a token that the API accepts', async () => {
    await send(`${server.url}/_understudy/faults`, { method: 'DELETE' });
    const answer = await send(`${server.url}/oauth2/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=' },
      body: 'grant_type=client_credentials',
    });
    expect(answer.status, answer.text).toBe(200);
    const api = await send(`${server.url}/hcmRestApi/resources/11.13.18.05/emps`, { headers: { authorization: `Bearer ${answer.body.access_token}` } });
    expect(api.status, api.text).toBe(200);
  });
});
