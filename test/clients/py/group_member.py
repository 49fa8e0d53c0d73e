"""The group-member side of the Python drivers (see test/clients/group-members.ts for the JSON-lines protocol).

A client module gives a class with start(), poll() → list of records, assignment() (or it calls
`assigned(partitions)` from its rebalance callback), commit(positions) and close(); run_member() does the rest:
reads the config line and then commands from stdin, prints events on stdout.
"""
import json
import queue
import sys
import threading
import traceback


def emit(ev):
    sys.stdout.write(json.dumps(ev) + '\n')
    sys.stdout.flush()


def text(b):
    return None if b is None else b.decode('utf-8', 'replace')


def commands():
    """stdin lines as a queue (read on a thread: the main thread polls the client)."""
    q = queue.Queue()

    def read():
        for line in sys.stdin:
            if line.strip():
                q.put(json.loads(line))
        q.put({'cmd': 'close', 'id': None})  # stdin closed: the test is gone

    threading.Thread(target=read, daemon=True).start()
    return q


def run_member(make):
    """`make(config, assigned)` returns the client wrapper; `assigned(list)` reports an assignment."""
    cfg = json.loads(sys.stdin.readline())
    q = commands()
    positions = {}  # partition -> next offset to commit

    def assigned(parts):
        # Positions of partitions now owned by others must not be committed again (they would move the new
        # owner's committed offsets back).
        for p in list(positions):
            if p not in parts:
                del positions[p]
        emit({'ev': 'assigned', 'partitions': sorted(parts)})

    member = make(cfg, assigned)
    limit = cfg.get('limit')
    taken = 0
    try:
        while True:
            if limit is None or taken < limit:
                recs = member.poll()
                if limit is not None:
                    recs = recs[:limit - taken]
                if recs:
                    taken += len(recs)
                    for p, o, _k, _v in recs:
                        positions[p] = o + 1
                    emit({'ev': 'records', 'records': recs})
                if limit is not None and taken >= limit:
                    member.commit(positions)
                    break
            else:
                break
            try:
                cmd = q.get_nowait()
            except queue.Empty:
                continue
            if cmd['cmd'] == 'commit':
                try:
                    member.commit(positions)
                    emit({'ev': 'done', 'id': cmd['id']})
                except Exception as e:
                    emit({'ev': 'failed', 'id': cmd['id'], 'error': {'type': type(e).__name__, 'message': str(e)}})
            elif cmd['cmd'] == 'close':
                member.close()
                emit({'ev': 'done', 'id': cmd['id']})
                return
        member.close()
    except Exception as e:
        emit({'ev': 'log', 'msg': traceback.format_exc()})
        raise
