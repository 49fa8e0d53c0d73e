"""confluent-kafka (librdkafka) driver for test/clients: one JSON command on stdin, one JSON result on stdout."""
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

from common import Steps, main, out_record, value_of


def kerr(err):
    return {'name': err.name(), 'code': err.code(), 'message': err.str()}


def metadata(bootstrap, topics=None):
    a = AdminClient({'bootstrap.servers': bootstrap})
    md = a.list_topics(timeout=15)
    return {
        'clusterId': md.cluster_id,
        'controllerId': md.controller_id,
        'brokers': [{'id': b.id, 'host': b.host, 'port': b.port} for b in md.brokers.values()],
        'topics': [{'name': t.topic, 'error': None if t.error is None else kerr(t.error),
                    'partitions': sorted([{'id': p.id, 'leader': p.leader, 'replicas': p.replicas, 'isr': p.isrs}
                                          for p in t.partitions.values()], key=lambda p: p['id'])}
                   for t in md.topics.values() if topics is None or t.topic in topics],
    }


def admin(bootstrap, topic):
    a = AdminClient({'bootstrap.servers': bootstrap})
    s = Steps()

    def partitions():
        t = a.list_topics(topic=topic, timeout=15).topics.get(topic)
        return None if t is None or t.error is not None else len(t.partitions)

    def configs():
        res = ConfigResource('topic', topic)
        entries = a.describe_configs([res])[res].result(timeout=15)
        return {k: v.value for k, v in entries.items() if k in ('retention.ms', 'max.message.bytes', 'segment.ms')}

    s.run('create', lambda: a.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1,
                                                     config={'retention.ms': '3600000', 'segment.ms': '86400000'})])[topic].result(timeout=15))
    s.run('create-again', lambda: a.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])[topic].result(timeout=15))
    s.run('partitions-after-create', partitions)
    s.run('describe-configs', configs)
    s.run('alter-configs', lambda: a.alter_configs([ConfigResource('topic', topic, set_config={'retention.ms': '7200000'})])
          [ConfigResource('topic', topic)].result(timeout=15))
    s.run('describe-after-alter', configs)
    s.run('grow', lambda: a.create_partitions([NewPartitions(topic, 4)])[topic].result(timeout=15))
    s.run('partitions-after-grow', partitions)
    s.run('delete', lambda: a.delete_topics([topic])[topic].result(timeout=15))
    s.run('exists-after-delete', lambda: topic in a.list_topics(timeout=15).topics)
    return s.result()


def admin_errors(bootstrap, topic):
    """Requests Kafka refuses, each with its error; `topic` exists beforehand with 3 partitions."""
    a = AdminClient({'bootstrap.servers': bootstrap})
    s = Steps()
    missing = topic + '-missing'
    s.run('create-invalid-name', lambda: a.create_topics([NewTopic('bad/name', 1, 1)])['bad/name'].result(timeout=15))
    s.run('create-invalid-config', lambda: a.create_topics([NewTopic(topic + '-badcfg', 1, 1, config={'retention.ms': 'abc'})])
          [topic + '-badcfg'].result(timeout=15))
    s.run('shrink-partitions', lambda: a.create_partitions([NewPartitions(topic, 2)])[topic].result(timeout=15))
    s.run('delete-unknown', lambda: a.delete_topics([missing])[missing].result(timeout=15))
    res = ConfigResource('topic', missing)
    s.run('describe-unknown', lambda: a.describe_configs([res])[res].result(timeout=15))
    broker = ConfigResource('broker', '1')
    s.run('describe-broker', lambda: {k: v.value for k, v in a.describe_configs([broker])[broker].result(timeout=15).items()
                                      if k in ('message.max.bytes', 'num.partitions')})
    return s.result()


def produce(bootstrap, topic, records, acks='all', compression='none', linger_ms=5, timeout_s=30):
    p = Producer({'bootstrap.servers': bootstrap, 'acks': str(acks), 'compression.type': compression,
                  'linger.ms': linger_ms, 'message.max.bytes': 10_000_000, 'enable.idempotence': False,
                  'message.timeout.ms': timeout_s * 1000})
    reports = [None] * len(records)
    local = []

    def cb(i):
        def done(err, msg):
            reports[i] = {'error': kerr(err)} if err is not None else {'partition': msg.partition(), 'offset': msg.offset()}
        return done

    for i, r in enumerate(records):
        kw = {'value': value_of(r), 'on_delivery': cb(i)}
        if r.get('key') is not None:
            kw['key'] = r['key'].encode()
        if r.get('headers'):
            kw['headers'] = [(k, v.encode()) for k, v in r['headers']]
        if r.get('timestamp') is not None:
            kw['timestamp'] = r['timestamp']
        kw['partition'] = r.get('partition', 0)
        try:
            p.produce(topic, **kw)
        except Exception as e:  # refused by the client itself, never sent
            local.append({'index': i, 'type': type(e).__name__, 'message': str(e)})
        p.poll(0)
    left = p.flush(timeout_s)
    return {'reports': reports, 'local': local, 'unflushed': left}


def consume(bootstrap, topic, partition=0, offset=None, count=1, timeout_ms=20000, max_bytes=None, partitions=None,
            reset=None):
    conf = {'bootstrap.servers': bootstrap, 'group.id': 'unused-assign-only', 'enable.auto.commit': False,
            'enable.partition.eof': True}
    if reset:
        conf['auto.offset.reset'] = reset
    if max_bytes:
        conf['fetch.max.bytes'] = max_bytes
        conf['fetch.message.max.bytes'] = max_bytes
        conf['message.max.bytes'] = max_bytes
        conf['receive.message.max.bytes'] = max_bytes + 1_000_000
    c = Consumer(conf)
    start = OFFSET_BEGINNING if offset is None else offset  # -1 is librdkafka's OFFSET_END
    c.assign([TopicPartition(topic, p, start) for p in (partitions or [partition])])
    out, errors = [], []
    deadline = time.time() + timeout_ms / 1000
    while len(out) < count and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() != KafkaError._PARTITION_EOF:
                errors.append(kerr(m.error()))
            continue
        ts_type, ts = m.timestamp()
        kind = {1: 'create', 2: 'logappend'}.get(ts_type)
        out.append(out_record(m.partition(), m.offset(), m.key(), m.value(), m.headers(), ts, kind))
    c.close()
    return {'records': out, 'errors': errors}


def offsets(bootstrap, topic, partition=0, timestamps=()):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused-offsets-only', 'enable.auto.commit': False})
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, partition), timeout=15, cached=False)
    by = []
    for ts in timestamps:
        r = c.offsets_for_times([TopicPartition(topic, partition, ts)], timeout=15)[0]
        by.append({'timestamp': ts, 'offset': r.offset, 'error': None if r.error is None else kerr(r.error)})
    c.close()
    return {'earliest': lo, 'latest': hi, 'byTimestamp': by}


main({'metadata': metadata, 'admin': admin, 'admin_errors': admin_errors, 'produce': produce, 'consume': consume, 'offsets': offsets})
