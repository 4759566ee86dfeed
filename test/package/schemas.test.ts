// The JSON Schemas shipped in schemas/ are what `understudy schema` prints: regenerate them with
// `npm run schemas` when a config, scenario or fault-rule field changes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemas } from '../../scripts/render-schemas.ts';
import { ROOT } from '../cli/cli-process.ts';

describe('schemas/', () => {
  for (const [file, text] of Object.entries(renderSchemas())) {
    it(`${file} is current (else run npm run schemas)`, async () => {
      expect(await readFile(join(ROOT, 'schemas', file), 'utf8')).toBe(text);
    });
  }
});
