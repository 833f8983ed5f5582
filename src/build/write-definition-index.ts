// Build step (`npm run build`, after tsc): writes dist/machines/definition-index.json, the
// precomputed hashes and state names of every definition (src/audit/definition-index.ts).
import { writeFileSync } from 'node:fs';
import { definitionRegistry } from '../../machines/index.js';
import { buildDefinitionIndex } from '../audit/definition-index.js';
import { DEFINITION_INDEX_FILE } from '../audit/state-names.js';

writeFileSync(DEFINITION_INDEX_FILE, `${JSON.stringify(buildDefinitionIndex(definitionRegistry))}\n`);
