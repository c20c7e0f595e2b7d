// Writes docs/errors.md from the compiled outcome catalogue.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../dist/src/kernel/errors-doc.js';

writeFileSync('docs/errors.md', renderErrorsDoc());
console.log('wrote docs/errors.md');
