"""confluent-kafka as an idempotent producer, for test/clients/idempotence.test.ts: stdin {bootstrap, topic,
count}; produces `count` records "v0".."v<count-1>" to partition 0 with enable.idempotence; stdout {sent} or
{error}."""
import json
import sys

from confluent_kafka import Producer

cmd = json.loads(sys.stdin.read())
errors = []
delivered = []


def on_delivery(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        delivered.append(msg.offset())


try:
    p = Producer({'bootstrap.servers': cmd['bootstrap'], 'enable.idempotence': True, 'linger.ms': 5,
                  'batch.num.messages': 37, 'message.timeout.ms': 30000})
    for i in range(cmd['count']):
        p.produce(cmd['topic'], key=b'k%d' % i, value=b'v%d' % i, partition=0, on_delivery=on_delivery)
        p.poll(0)
    left = p.flush(30)
    res = {'sent': len(delivered), 'offsets': delivered, 'errors': errors, 'left': left}
except Exception as e:  # reported, not raised: the test asserts on it
    res = {'error': {'type': type(e).__name__, 'message': str(e)}}
sys.stdout.write(json.dumps(res) + '\n')
sys.stdout.flush()
