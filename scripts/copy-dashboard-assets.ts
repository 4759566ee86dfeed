/**
 * tsc compiles only TypeScript: copy the dashboard's browser files next to the compiled
 * server/dashboard modules, which read them relative to their own URL.
 */
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../server/dashboard/assets/', import.meta.url));
const to = fileURLToPath(new URL('../dist/server/dashboard/assets/', import.meta.url));
cpSync(from, to, { recursive: true });
console.log('copied server/dashboard/assets into dist/');
