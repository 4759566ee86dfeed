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
