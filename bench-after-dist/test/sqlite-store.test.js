import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/stores.js';
import { storeContract } from './store-contracts.js';
storeContract('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-store-'));
    const store = new SqliteStore(dir);
    return {
        store,
        async cleanup() {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
        },
    };
});
//# sourceMappingURL=sqlite-store.test.js.map