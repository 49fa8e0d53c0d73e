"""kafka-python driver for test/clients: one JSON command on stdin, one JSON result on stdout.

`api_version` (a list such as [0, 10, 1]) pins the protocol generation; without it the client probes the broker.
"""
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewPartitions, NewTopic

from common import Steps, main, out_record, value_of


def kw_version(api_version):
    return {} if api_version is None else {'api_version': tuple(api_version)}


def err(e):
    return {'type': type(e).__name__, 'errno': getattr(e, 'errno', None), 'message': str(e)}


def metadata(bootstrap, topics=None, api_version=None):
    a = KafkaAdminClient(bootstrap_servers=bootstrap, **kw_version(api_version))
    cluster = a.describe_cluster()
    names = a.list_topics()
    wanted = [t for t in names if topics is None or t in topics]
    described = a.describe_topics(wanted) if wanted else []
    a.close()
    return {
        'clusterId': cluster.get('cluster_id'),
        'controllerId': cluster.get('controller_id'),
        'brokers': [{'id': b['node_id'], 'host': b['host'], 'port': b['port']} for b in cluster['brokers']],
        'topics': [{'name': t['topic'], 'error': t['error_code'] or None,
                    'partitions': sorted([{'id': p['partition'], 'leader': p['leader'], 'replicas': p['replicas'],
                                           'isr': p['isr']} for p in t['partitions']], key=lambda p: p['id'])}
                   for t in described],
    }


def check_config_response(resp):
    from kafka.errors import for_code
    for r in resp.resources:
        if r[0] != 0:
            raise for_code(r[0])('%s (error_code %d) for %s' % (r[1], r[0], r[3]))
    return r


def admin(bootstrap, topic, api_version=None):
    a = KafkaAdminClient(bootstrap_servers=bootstrap, **kw_version(api_version))
    s = Steps()
    res = ConfigResource(ConfigResourceType.TOPIC, topic)

    def partitions():
        t = [t for t in a.describe_topics([topic]) if t['topic'] == topic]
        return None if not t or t[0]['error_code'] != 0 else len(t[0]['partitions'])

    def configs():
        resp = a.describe_configs([res])[0]
        r = check_config_response(resp)
        return {e[0]: e[1] for e in r[4] if e[0] in ('retention.ms', 'max.message.bytes', 'segment.ms')}

    def alter():
        check_config_response(a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                              configs={'retention.ms': '7200000'})]))

    def codes(resp, attr):
        bad = [e for e in getattr(resp, attr) if e[1] != 0]
        if bad:
            raise RuntimeError('errors %r' % (bad,))

    s.run('create', lambda: codes(a.create_topics([NewTopic(topic, 2, 1, topic_configs={'retention.ms': '3600000', 'segment.ms': '86400000'})]),
                                  'topic_errors'))
    s.run('create-again', lambda: codes(a.create_topics([NewTopic(topic, 2, 1)]), 'topic_errors'))
    s.run('partitions-after-create', partitions)
    s.run('describe-configs', configs)
    s.run('alter-configs', alter)
    s.run('describe-after-alter', configs)
    s.run('grow', lambda: codes(a.create_partitions({topic: NewPartitions(4)}), 'topic_errors'))
    s.run('partitions-after-grow', partitions)
    s.run('delete', lambda: codes(a.delete_topics([topic]), 'topic_error_codes'))
    s.run('exists-after-delete', lambda: topic in a.list_topics())
    a.close()
    return s.result()


def admin_errors(bootstrap, topic, api_version=None):
    """Requests Kafka refuses, each with its error; `topic` exists beforehand with 3 partitions."""
    a = KafkaAdminClient(bootstrap_servers=bootstrap, **kw_version(api_version))
    s = Steps()
    missing = topic + '-missing'

    def codes(resp, attr):
        bad = [e for e in getattr(resp, attr) if e[1] != 0]
        if bad:
            raise RuntimeError('errors %r' % (bad,))

    def describe(resource):
        r = check_config_response(a.describe_configs([resource])[0])
        return {e[0]: e[1] for e in r[4] if e[0] in ('message.max.bytes', 'num.partitions')}

    s.run('create-invalid-name', lambda: codes(a.create_topics([NewTopic('bad/name', 1, 1)]), 'topic_errors'))
    s.run('create-invalid-config', lambda: codes(a.create_topics([NewTopic(topic + '-badcfg', 1, 1,
                                                                           topic_configs={'retention.ms': 'abc'})]), 'topic_errors'))
    s.run('shrink-partitions', lambda: codes(a.create_partitions({topic: NewPartitions(2)}), 'topic_errors'))
    s.run('delete-unknown', lambda: codes(a.delete_topics([missing]), 'topic_error_codes'))
    s.run('describe-unknown', lambda: describe(ConfigResource(ConfigResourceType.TOPIC, missing)))
    s.run('describe-broker', lambda: describe(ConfigResource(ConfigResourceType.BROKER, '1')))
    a.close()
    return s.result()


def produce(bootstrap, topic, records, acks='all', compression='none', linger_ms=5, api_version=None, timeout_s=30):
    p = KafkaProducer(bootstrap_servers=bootstrap, acks=acks if acks == 'all' else int(acks),
                      compression_type=None if compression == 'none' else compression,
                      linger_ms=linger_ms, max_request_size=10_000_000, request_timeout_ms=timeout_s * 1000,
                      **kw_version(api_version))
    futures, local = [], []
    for i, r in enumerate(records):
        kw = {'value': value_of(r), 'partition': r.get('partition', 0)}
        if r.get('key') is not None:
            kw['key'] = r['key'].encode()
        if r.get('headers'):
            kw['headers'] = [(k, v.encode()) for k, v in r['headers']]
        if r.get('timestamp') is not None:
            kw['timestamp_ms'] = r['timestamp']
        try:
            futures.append((i, p.send(topic, **kw)))
        except Exception as e:  # refused by the client itself, never sent
            local.append(dict(err(e), index=i))
    p.flush(timeout_s)
    reports = [None] * len(records)
    for i, f in futures:
        try:
            md = f.get(timeout=timeout_s)
            reports[i] = {'partition': md.partition, 'offset': md.offset}
        except Exception as e:
            reports[i] = {'error': err(e)}
    p.close(5)
    return {'reports': reports, 'local': local}


def consume(bootstrap, topic, partition=0, offset=None, count=1, timeout_ms=20000, max_bytes=None, api_version=None,
            partitions=None, reset=None):
    kw = kw_version(api_version)
    if reset:
        kw['auto_offset_reset'] = reset
    if max_bytes:
        kw['fetch_max_bytes'] = max_bytes
        kw['max_partition_fetch_bytes'] = max_bytes
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **kw)
    tps = [TopicPartition(topic, p) for p in (partitions or [partition])]
    c.assign(tps)
    for tp in tps:
        if offset is None:
            c.seek_to_beginning(tp)
        elif offset == -1:
            c.seek_to_end(tp)
        else:
            c.seek(tp, offset)
    out = []
    deadline = time.time() + timeout_ms / 1000
    while len(out) < count and time.time() < deadline:
        for recs in c.poll(timeout_ms=500).values():
            for m in recs:
                kind = {0: 'create', 1: 'logappend'}.get(m.timestamp_type)
                out.append(out_record(m.partition, m.offset, m.key, m.value, getattr(m, 'headers', None), m.timestamp, kind))
    c.close()
    return {'records': out, 'errors': []}


def offsets(bootstrap, topic, partition=0, timestamps=(), api_version=None):
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **kw_version(api_version))
    tp = TopicPartition(topic, partition)
    lo = c.beginning_offsets([tp])[tp]
    hi = c.end_offsets([tp])[tp]
    by = []
    for ts in timestamps:
        r = c.offsets_for_times({tp: ts})[tp]
        by.append({'timestamp': ts, 'offset': -1 if r is None else r.offset, 'error': None})
    c.close()
    return {'earliest': lo, 'latest': hi, 'byTimestamp': by}


main({'metadata': metadata, 'admin': admin, 'admin_errors': admin_errors, 'produce': produce, 'consume': consume, 'offsets': offsets})
