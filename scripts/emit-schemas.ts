/**
 * Writes the JSON Schemas of the file formats into schemas/ (shipped in the package, so an
 * editor can point "$schema" at node_modules/oauth-understudy/schemas/config.schema.json).
 * `npm run build` runs it; test/package/schemas.test.ts fails when the committed files are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemas } from './render-schemas.ts';

const folder = fileURLToPath(new URL('../schemas/', import.meta.url));
mkdirSync(folder, { recursive: true });
for (const [file, text] of Object.entries(renderSchemas())) writeFileSync(`${folder}${file}`, text);
console.log(`wrote ${Object.keys(renderSchemas()).join(', ')} into schemas/`);
