// `npm run openapi`: writes the API's OpenAPI document to sdk/openapi.json (committed; a test checks it).
import { writeFileSync } from 'node:fs';
import { openApiDocument, OPENAPI_FILE } from '../test/openapi-document.js';

writeFileSync(OPENAPI_FILE, (await openApiDocument()) + '\n');
console.log(`wrote ${OPENAPI_FILE}`);
process.exit(0);
