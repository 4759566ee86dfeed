/**
 * Fuzzes the config loader (parseConfigText + resolveConfig) and the scenario loader
 * (validateScenario) with random YAML/JSON text and values: each either succeeds or throws
 * ConfigError / HarnessError with a message, never another error type.
 */
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../server/config/errors.ts';
import { parseConfigText } from '../../server/config/load.ts';
import { resolveConfig } from '../../server/config/resolve.ts';
import { HarnessError } from '../../harness/errors.ts';
import { validateScenario } from '../../harness/scenario/load.ts';
import { CaseCounter, SEED, runs } from './support.ts';

const counter = new CaseCounter();
afterAll(() => counter.report('loaders'));

/** Values shaped like configuration sections, with random (often wrong) contents. */
const configShaped = fc.record(
  {
    profile: fc.oneof(fc.constantFrom('idcs', 'rfc9068', 'x'), fc.jsonValue({ maxDepth: 1 })),
    algorithm: fc.oneof(fc.constantFrom('RS256', 'ES256', 'HS256'), fc.jsonValue({ maxDepth: 1 })),
    issuer: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })),
    accessTokenTtl: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
    leeway: fc.oneof(fc.integer(), fc.double()),
    resources: fc.oneof(
      fc.array(fc.record({ name: fc.string({ maxLength: 8 }), audience: fc.string({ maxLength: 20 }), scopes: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    clients: fc.oneof(
      fc.array(
        fc.record(
          {
            id: fc.string({ maxLength: 8 }),
            secret: fc.string({ maxLength: 8 }),
            grants: fc.array(fc.constantFrom('client_credentials', 'password', 'refresh_token', 'authorization_code', 'nope'), { maxLength: 3 }),
            scopes: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    api: fc.jsonValue({ maxDepth: 4 }),
    journal: fc.record({ capacity: fc.oneof(fc.integer(), fc.double()), file: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
    faults: fc.jsonValue({ maxDepth: 3 }),
    server: fc.record({ host: fc.string({ maxLength: 10 }), port: fc.oneof(fc.integer(), fc.double()), maxBodyBytes: fc.oneof(fc.integer(), fc.double()) }, { requiredKeys: [] }),
    control: fc.jsonValue({ maxDepth: 2 }),
    users: fc.jsonValue({ maxDepth: 3 }),
    keys: fc.oneof(fc.array(fc.record({ kid: fc.string({ maxLength: 5 }), privateKeyPem: fc.string({ maxLength: 40 }) }, { requiredKeys: [] }), { maxLength: 2 }), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: [] },
);

const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 5 }), configShaped, fc.anything({ maxDepth: 3 }));

/** Text: YAML or JSON renderings of values, and raw junk that exercises the parsers. */
const configText = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  configShaped.map((v) => toYaml(v)),
  configShaped.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('a: &x [*x]', 'a: !!binary xyz', '- - - -', '{', 'key: [', '? complex\n: key', '%YAML 1.2\n---\na: 1\n---\nb: 2', 'a: !!js/function "x"', '<<: *nope', 'x: 1e999', 'clients:\n  - id: a\n    id: b'),
  fc.integer({ min: 1, max: 200 }).map((n) => `${'a:\n'.repeat(n)}`),
  fc.integer({ min: 1, max: 120 }).map((n) => `x: &a [1]\n${Array.from({ length: n }, (_, i) => `k${i}: [*a, *a, *a]`).join('\n')}`),
);

function expectKnownError(error: unknown, kind: typeof ConfigError | typeof HarnessError, input: unknown): void {
  const label = (() => {
    try {
      return JSON.stringify(input)?.slice(0, 300);
    } catch {
      return String(input).slice(0, 300);
    }
  })();
  expect(error, `${(error as Error)?.stack ?? String(error)}\ninput: ${label}`).toBeInstanceOf(kind);
  expect((error as Error).message.length).toBeGreaterThan(0);
}

describe('config loader', () => {
  it('parseConfigText + resolveConfig on random YAML/JSON text: a config or a ConfigError', () => {
    const numRuns = runs(200);
    fc.assert(
      fc.property(configText, fc.constantFrom('config.yaml', 'config.json', 'config.yml', 'config'), (text, source) => {
        counter.tick('config text');
        try {
          resolveConfig(parseConfigText(text, source), { source });
        } catch (error) {
          expectKnownError(error, ConfigError, text);
        }
      }),
      { seed: SEED, numRuns },
    );
  });

  it('resolveConfig on random values: a config or a ConfigError', () => {
    const numRuns = runs(200);
    fc.assert(
      fc.property(anyValue, (value) => {
        counter.tick('config values');
        try {
          resolveConfig(value as never, { source: 'fuzz' });
        } catch (error) {
          expectKnownError(error, ConfigError, value);
        }
      }),
      { seed: SEED, numRuns },
    );
  });
});

const scenarioShaped = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    description: fc.string({ maxLength: 20 }),
    level: fc.oneof(fc.constantFrom('must', 'should', 'may'), fc.string({ maxLength: 5 })),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
    config: fc.oneof(configShaped, fc.jsonValue({ maxDepth: 2 })),
    faults: fc.jsonValue({ maxDepth: 3 }),
    steps: fc.oneof(
      fc.array(fc.dictionary(fc.constantFrom('call', 'expect', 'advance', 'fault', 'request', 'wait', 'do', 'assert'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }), { maxLength: 4 }),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    expect: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

describe('scenario loader', () => {
  it('validateScenario on random values: a scenario or a HarnessError', () => {
    const numRuns = runs(200);
    fc.assert(
      fc.property(fc.oneof(scenarioShaped, fc.jsonValue({ maxDepth: 5 }), fc.anything({ maxDepth: 3 })), (value) => {
        counter.tick('scenario values');
        try {
          validateScenario(value, 'fuzz.yaml');
        } catch (error) {
          expectKnownError(error, HarnessError, value);
        }
      }),
      { seed: SEED, numRuns },
    );
  });
});
