"""Static membership (KIP-345) with confluent-kafka: two members with group.instance.id; one closes (a static member
sends no LeaveGroup) and comes back with the same instance id within the session timeout. Reads one JSON command
({bootstrap, topic, group}) on stdin, prints one JSON line: each member's assign/revoke events before and after."""
import json
import sys

from confluent_kafka import Consumer

cmd = json.loads(sys.stdin.read())
events = []


def member(name):
    c = Consumer({
        'bootstrap.servers': cmd['bootstrap'],
        'group.id': cmd['group'],
        'group.instance.id': name,
        'session.timeout.ms': 10000,
        'heartbeat.interval.ms': 300,
        'auto.offset.reset': 'earliest',
    })
    c.subscribe(
        [cmd['topic']],
        on_assign=lambda _c, ps: events.append([name, 'assign', sorted(p.partition for p in ps)]),
        on_revoke=lambda _c, ps: events.append([name, 'revoke', sorted(p.partition for p in ps)]),
    )
    return c


def poll(members, rounds):
    for _ in range(rounds):
        for m in members:
            m.poll(0.05)


a = member('a')
b = member('b')
poll([a, b], 60)
before = list(events)
events.clear()
a.close()
poll([b], 20)
closed = list(events)
events.clear()
a = member('a')
poll([a, b], 60)
after = list(events)
a.close()
b.close()
print(json.dumps({'before': before, 'closed': closed, 'after': after}))
