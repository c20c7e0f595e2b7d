// Renders docs/errors.md from the outcome catalogue; a test fails when the two differ, and
// `npm run docs:errors` writes the file again.
import { outcomes } from './outcomes.js';
export function renderErrorsDoc() {
    const lines = [
        '# launchday error codes',
        '',
        'Every refusal is `{"error": {"code": "...", "message": "..."}}` with the HTTP status below.',
        'Codes are stable: never renamed, never reused. "Retry" says whether sending the same request',
        'again later can succeed without changing it (a 503 also carries `Retry-After`). The message',
        'here is the default; many replies give a more specific one.',
        '',
        'This file is generated from `src/kernel/outcomes.ts` by `npm run docs:errors`.',
        '',
        '| code | status | retry | meaning and what to do |',
        '| --- | --- | --- | --- |',
    ];
    for (const [code, spec] of Object.entries(outcomes)) {
        lines.push(`| \`${code}\` | ${spec.status} | ${spec.transient ? 'yes' : 'no'} | ${spec.message.replaceAll('|', '\\|')} |`);
    }
    return `${lines.join('\n')}\n`;
}
//# sourceMappingURL=errors-doc.js.map