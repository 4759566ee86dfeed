// The README is part of the product: what it lists must match what the code has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../server/faults/presets.ts';

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

describe('README protocol examples', () => {
  it('shows the example clients exactly as they are in examples/protocol/', () => {
    for (const file of ['minimal-client.mjs', 'minimal-client.sh']) {
      const source = readFileSync(new URL(`../../examples/protocol/${file}`, import.meta.url), 'utf8');
      expect(readme, file).toContain(source);
    }
  });

  it('keeps the Node example within the 20-odd lines it promises', () => {
    const source = readFileSync(new URL('../../examples/protocol/minimal-client.mjs', import.meta.url), 'utf8');
    expect(source.trimEnd().split('\n').length).toBeLessThanOrEqual(22);
  });
});
