"""confluent-kafka (librdkafka 2.0.2) in a consumer group, for test/clients/groups-*.

  groups_confluent.py member   a group member speaking JSON lines (group_member.py)
  groups_confluent.py          one JSON command (op: describe) on stdin, one JSON result on stdout
"""
import struct
import sys

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from common import main
from group_member import run_member, text


class Member:
    def __init__(self, cfg, assigned):
        self.topic = cfg['topic']
        self.c = Consumer({
            'bootstrap.servers': cfg['bootstrap'],
            'group.id': cfg['group'],
            'client.id': cfg.get('client_id') or 'gregor-groups-confluent',
            'enable.auto.commit': bool(cfg.get('auto_commit')),
            'auto.offset.reset': 'earliest',
            'session.timeout.ms': cfg['session_timeout_ms'],
            'heartbeat.interval.ms': cfg['heartbeat_interval_ms'],
            'max.poll.interval.ms': max(cfg['rebalance_timeout_ms'], cfg['session_timeout_ms']),
            'fetch.wait.max.ms': 100,
        })

        def on_assign(consumer, parts):
            assigned([p.partition for p in parts if p.topic == self.topic])

        def on_revoke(consumer, parts):
            assigned([])

        self.c.subscribe([self.topic], on_assign=on_assign, on_revoke=on_revoke)

    def poll(self):
        out = []
        for m in self.c.consume(num_messages=100, timeout=0.1):
            if m.error():
                continue
            out.append([m.partition(), m.offset(), text(m.key()), text(m.value())])
        return out

    def commit(self, positions):
        if positions:
            self.c.commit(offsets=[TopicPartition(self.topic, p, o) for p, o in positions.items()], asynchronous=False)

    def close(self):
        self.c.close()


def decode_assignment(b):
    """ConsumerProtocolAssignment (version, [topic, [partition]], user data) → {topic: [partitions]}."""
    if not b:
        return {}
    pos = 2
    (n,) = struct.unpack_from('>i', b, pos)
    pos += 4
    out = {}
    for _ in range(n):
        (ln,) = struct.unpack_from('>h', b, pos)
        pos += 2
        topic = b[pos:pos + ln].decode()
        pos += ln
        (k,) = struct.unpack_from('>i', b, pos)
        pos += 4
        out[topic] = sorted(struct.unpack_from('>%di' % k, b, pos))
        pos += 4 * k
    return out


def describe(bootstrap, group):
    """confluent-kafka 1.7 has no describe_consumer_groups: AdminClient.list_groups (ListGroups + DescribeGroups)."""
    a = AdminClient({'bootstrap.servers': bootstrap})
    try:
        groups = a.list_groups(group, timeout=15)
    except KafkaException as e:
        return {'state': None, 'members': [], 'error': {'name': e.args[0].name(), 'message': e.args[0].str()}}
    if not groups:
        return {'state': None, 'members': [], 'found': False}
    g = groups[0]
    return {
        'state': g.state,
        'protocolType': g.protocol_type,
        'protocol': g.protocol,
        'error': None if g.error is None else {'name': g.error.name(), 'message': g.error.str()},
        'members': [{'memberId': m.id, 'clientId': m.client_id, 'assignment': decode_assignment(m.assignment)}
                    for m in g.members],
    }


if len(sys.argv) > 1 and sys.argv[1] == 'member':
    run_member(Member)
else:
    main({'describe': describe})
