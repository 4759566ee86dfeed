// The README is part of the product: what it lists must match what the code has.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentVariables } from '../../harness/drivers/environment.ts';
import { PRESETS } from '../../server/faults/presets.ts';
import { asShown, README_COMMANDS } from './readme-commands.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every fault preset with its summary', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      expect(readme, name).toContain(`| \`${name}\` | ${preset.summary.replaceAll('|', '\\|')} |`);
    }
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test$/m);
  });
});

describe('README protocol', () => {
  it('lists every variable a command client can be given', () => {
    const all = environmentVariables({
      tokenUrl: 't', issuer: 'i', jwksUrl: 'j', discoveryUrl: 'd', clientId: 'c', clientSecret: 's', scope: 'x', apiUrl: 'a',
      tokenHeaders: {}, apiHeaders: {}, requestTimeoutMs: 1000, username: 'ada', password: 'lovelace', variables: {},
      authorizationUrl: 'z', redirectUri: 'r', userinfoUrl: 'u', endSessionUrl: 'e', postLogoutRedirectUri: 'p', assertionKey: 'k', assertionKid: 'kid',
    });
    const protocol = readme.slice(readme.indexOf('### The command protocol'), readme.indexOf('A complete client in plain Node'));
    for (const name of Object.keys(all)) expect(protocol, name).toContain(`\`${name}\``);
  });

  it('shows the example clients\' declaration as it is, and the declare and bound commands that are tested', () => {
    const declaration = readFileSync(new URL('../../examples/clients/example-client.understudy.yaml', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`yaml\n${declaration}\`\`\``);
    for (const args of Object.values(README_COMMANDS)) expect(readme).toContain(asShown(args));
  });

  it('links the rule catalogue and the verdict matrix, which exist', () => {
    for (const doc of ['docs/rules.md', 'docs/verdict-matrix.md']) {
      expect(readme).toContain(`](${doc})`);
      expect(existsSync(new URL(`../../${doc}`, import.meta.url)), doc).toBe(true);
    }
  });
});

describe('README protocol examples', () => {
  it('shows the example clients exactly as they are in examples/protocol/', () => {
    for (const file of ['minimal-client.mjs', 'minimal-client.sh', 'minimal-sign-in-client.mjs', 'minimal-sign-in-client.sh']) {
      const source = readFileSync(new URL(`../../examples/protocol/${file}`, import.meta.url), 'utf8');
      expect(readme, file).toContain(source);
    }
  });

  it('keeps the Node example within the 20-odd lines it promises', () => {
    const source = readFileSync(new URL('../../examples/protocol/minimal-client.mjs', import.meta.url), 'utf8');
    expect(source.trimEnd().split('\n').length).toBeLessThanOrEqual(22);
  });
});

describe('README integration examples', () => {
  // The README shows the example tests with the package's import paths; the files themselves run
  // as part of this repository's tests (examples/**/*.test.ts).
  const shown = (file: string, replacements: [string, string][]) => {
    let source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    for (const [from, to] of replacements) source = source.replace(from, to);
    return source.trimEnd();
  };

  it('shows examples/vitest/token-client.test.ts as it is, importing oauth-understudy/vitest', () => {
    const source = shown('examples/vitest/token-client.test.ts', [
      ["'../../integrations/vitest/index.ts'", "'oauth-understudy/vitest'"],
      ["'../clients/well-behaved.ts'", "'./my-token-client.ts'"],
    ]);
    expect(source).toContain("from 'oauth-understudy/vitest'");
    expect(readme).toContain(source);
  });

  it('shows examples/msw/idcs-client.test.ts as it is, importing oauth-understudy/msw', () => {
    const source = shown('examples/msw/idcs-client.test.ts', [["'../../integrations/msw/index.ts'", "'oauth-understudy/msw'"]]);
    expect(source).toContain("from 'oauth-understudy/msw'");
    expect(readme).toContain(source);
  });

  it('links the dashboard screenshot, which exists, and shows understudy demo', () => {
    expect(readme).toContain('![understudy dashboard](docs/dashboard.png)');
    expect(existsSync(new URL('../../docs/dashboard.png', import.meta.url))).toBe(true);
    expect(readme).toContain('npx understudy demo');
  });
});
