"""kafka-python 2.0.2 in a consumer group, for test/clients/groups-*.

  groups_kafkapython.py member   a group member speaking JSON lines (group_member.py)
  groups_kafkapython.py          one JSON command (op: describe) on stdin, one JSON result on stdout
"""
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.structs import OffsetAndMetadata

from common import main
from group_member import run_member, text


class Member:
    def __init__(self, cfg, assigned):
        self.topic = cfg['topic']
        self.c = KafkaConsumer(
            bootstrap_servers=cfg['bootstrap'],
            group_id=cfg['group'],
            client_id=cfg.get('client_id') or 'gregor-groups-kafka-python',
            enable_auto_commit=bool(cfg.get('auto_commit')),
            auto_offset_reset='earliest',
            session_timeout_ms=cfg['session_timeout_ms'],
            heartbeat_interval_ms=cfg['heartbeat_interval_ms'],
            max_poll_interval_ms=max(cfg['rebalance_timeout_ms'], cfg['session_timeout_ms']),
            fetch_max_wait_ms=100,
        )
        topic = self.topic

        class Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                assigned([])

            def on_partitions_assigned(self, parts):
                assigned([p.partition for p in parts if p.topic == topic])

        self.c.subscribe([self.topic], listener=Listener())

    def poll(self):
        out = []
        for tp, msgs in self.c.poll(timeout_ms=100).items():
            for m in msgs:
                out.append([m.partition, m.offset, text(m.key), text(m.value)])
        out.sort(key=lambda r: (r[0], r[1]))
        return out

    def commit(self, positions):
        if positions:
            self.c.commit({TopicPartition(self.topic, p): OffsetAndMetadata(o, '') for p, o in positions.items()})

    def close(self):
        self.c.close(autocommit=False)


def describe(bootstrap, group):
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        gs = a.describe_consumer_groups([group])
    finally:
        a.close()
    g = gs[0]
    members = []
    for m in g.members:
        asg = m.member_assignment
        parts = {}
        if asg is not None and not isinstance(asg, bytes):
            for topic, ps in asg.assignment:
                parts[topic] = sorted(ps)
        members.append({'memberId': m.member_id, 'clientId': m.client_id, 'assignment': parts})
    return {'state': g.state, 'protocolType': g.protocol_type, 'protocol': g.protocol,
            'error': None if g.error_code == 0 else {'code': g.error_code}, 'members': members}


if len(sys.argv) > 1 and sys.argv[1] == 'member':
    run_member(Member)
else:
    main({'describe': describe})
