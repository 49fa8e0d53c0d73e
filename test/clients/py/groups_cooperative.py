"""librdkafka's incremental cooperative rebalancing (partition.assignment.strategy=cooperative-sticky) over the
classic protocol: three confluent-kafka members join one by one, then one leaves. Reads one JSON command on stdin
({bootstrap, topic, group, partitions}), prints one JSON line: assignments after the joins and after the leave,
every revocation each member saw, and which member consumed each record."""
import json
import sys
import threading
import time

from confluent_kafka import Consumer, Producer

cmd = json.loads(sys.stdin.read())
bootstrap, topic, group, partitions = cmd['bootstrap'], cmd['topic'], cmd['group'], cmd['partitions']
lock = threading.Lock()
owned = {}
revocations = {}
consumed = {}


def member(name, stop):
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'partition.assignment.strategy': 'cooperative-sticky',
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 300,
    })

    def on_assign(_c, parts):
        with lock:
            owned.setdefault(name, set()).update(p.partition for p in parts)

    def on_revoke(_c, parts):
        with lock:
            gone = sorted(p.partition for p in parts)
            revocations.setdefault(name, []).append({'revoked': gone, 'owned': sorted(owned.get(name, set())), 'closing': stop.is_set()})
            owned.setdefault(name, set()).difference_update(gone)

    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    while not stop.is_set():
        m = c.poll(0.1)
        if m is None or m.error():
            continue
        with lock:
            consumed.setdefault(m.value().decode(), []).append(name)
        c.commit(m, asynchronous=False)
    c.close()


def wait_for(sizes, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with lock:
            got = sorted(len(owned.get(n, set())) for n in owned if len(owned.get(n, set())) > 0)
        if got == sorted(sizes):
            time.sleep(0.5)  # and still so a moment later
            with lock:
                again = sorted(len(owned.get(n, set())) for n in owned if len(owned.get(n, set())) > 0)
            if again == got:
                return True
        time.sleep(0.1)
    return False


def produce(prefix, n):
    p = Producer({'bootstrap.servers': bootstrap})
    for i in range(n):
        p.produce(topic, value=f'{prefix}{i}'.encode(), partition=i % partitions)
    p.flush(10)


def snapshot():
    with lock:
        return {k: sorted(v) for k, v in owned.items()}


produce('a', 120)
stops = [threading.Event() for _ in range(3)]
threads = []
settled = []
for i in range(3):
    t = threading.Thread(target=member, args=(f'c{i}', stops[i]))
    t.start()
    threads.append(t)
    settled.append(wait_for([partitions // (i + 1)] * (i + 1)))
joined = snapshot()
deadline = time.time() + 20
while time.time() < deadline and len(consumed) < 120:
    time.sleep(0.1)
stops[0].set()
threads[0].join()
settled.append(wait_for([partitions // 2] * 2))
produce('b', 60)
deadline = time.time() + 20
while time.time() < deadline and len(consumed) < 180:
    time.sleep(0.1)
left = snapshot()
for s in stops:
    s.set()
for t in threads:
    t.join()
print(json.dumps({'settled': settled, 'joined': joined, 'left': left, 'revocations': revocations, 'consumed': consumed}))
