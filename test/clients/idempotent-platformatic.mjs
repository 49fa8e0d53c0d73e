// @platformatic/kafka as an idempotent producer, for test/clients/idempotence.test.ts (run under Node 22 by
// runWithNode22): stdin {bootstrap, topic, count, perSend}; sends `count` records "v0".."v<count-1>" to
// partition 0, `perSend` per send, in order; stdout {sent} or {error}.
import { Producer } from '@platformatic/kafka';
import { readStdinJson } from './json-command.mjs';

const { bootstrap, topic, count, perSend } = await readStdinJson();

const producer = new Producer({ clientId: 'gregor-idempotence', bootstrapBrokers: [bootstrap], idempotent: true, autocreateTopics: false, timeout: 20_000 });
let result;
try {
  let sent = 0;
  while (sent < count) {
    const n = Math.min(perSend, count - sent);
    const messages = Array.from({ length: n }, (_, i) => ({ topic, partition: 0, key: Buffer.from(`k${sent + i}`), value: Buffer.from(`v${sent + i}`) }));
    await producer.send({ messages });
    sent += n;
  }
  result = { sent };
} catch (e) {
  result = { error: { name: e?.name, message: e?.message, stack: e?.stack } };
} finally {
  await producer.close().catch(() => {});
}
process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
