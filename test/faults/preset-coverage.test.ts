/**
 * Every preset GET /_understudy/faults/presets lists is exercised over HTTP by at least one test
 * of this folder: a preset added without a test makes this fail, naming it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFaultServer } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));

describe('preset coverage', () => {
  it('every listed preset is used by an integration test in test/faults', async () => {
    const s = await startFaultServer();
    const names = ((await s.send('/_understudy/faults/presets')).json.presets as { name: string }[]).map((p) => p.name);
    const sources = readdirSync(here)
      .filter((file) => file.endsWith('.test.ts') && file !== self)
      .map((file) => readFileSync(join(here, file), 'utf8'))
      .join('\n');
    // The control test adds every listed preset once; exercising means more than that.
    const control = readFileSync(join(here, 'control.test.ts'), 'utf8');
    const untested = names.filter((name) => !sources.replace(control, '').includes(`'${name}'`));
    expect(untested).toEqual([]);
  });
});
