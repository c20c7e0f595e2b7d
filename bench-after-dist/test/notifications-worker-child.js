// One delivery worker process on a PostgreSQL outbox, for test/notifications-two-processes:
// it runs rounds until nothing has been due for a while, then prints every idempotency key it
// handed to its provider (accepted or not) as JSON. Arguments: database URL, schema.
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../src/kernel/clock.js';
import { defaultLimits } from '../src/kernel/config.js';
import { NotificationsService, PERFECT_SANDBOX, SandboxMessageProvider, } from '../src/notifications/index.js';
import { PostgresStore } from '../src/stores.js';
const [url, schema] = process.argv.slice(2);
const store = await PostgresStore.open(url, { schema });
// Slow enough that the two processes' rounds overlap.
const sandbox = new SandboxMessageProvider({ ...PERFECT_SANDBOX, acceptMsMin: 1, acceptMsMax: 8,
    reportMsMin: 0, reportMsMax: 30 });
const submitted = [];
const provider = {
    name: sandbox.name, reportsDelivery: true,
    submit: (m) => {
        submitted.push(m.idempotencyKey);
        return sandbox.submit(m);
    },
    onReport: (listener) => sandbox.onReport(listener),
};
const service = new NotificationsService({ store, clock: systemClock, provider,
    limits: { ...defaultLimits, notificationClaimBatchMax: 40 } });
for (let idle = 0; idle < 5;) {
    const n = await service.deliverDue();
    idle = n === 0 ? idle + 1 : 0;
    if (n === 0)
        await sleep(40);
}
await sleep(100);
await service.drain();
process.stdout.write(JSON.stringify({ submitted }));
sandbox.close();
await store.close();
//# sourceMappingURL=notifications-worker-child.js.map