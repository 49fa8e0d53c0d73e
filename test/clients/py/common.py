"""Shared by the Python client drivers: read one JSON command from stdin, print one JSON result."""
import json
import sys
import traceback


def value_of(rec):
    """A record's value as bytes: `value` (text) or `valueSize` bytes of 'x'."""
    if rec.get('valueSize') is not None:
        return b'x' * rec['valueSize']
    v = rec.get('value')
    return None if v is None else v.encode()


def text(b):
    return None if b is None else b.decode('utf-8', 'replace')


def out_record(partition, offset, key, value, headers, timestamp, timestamp_type=None):
    r = {'partition': partition, 'offset': offset, 'key': text(key), 'timestamp': timestamp,
         'timestampType': timestamp_type,
         'headers': [[k if isinstance(k, str) else text(k), text(v)] for k, v in (headers or [])]}
    if value is not None and len(value) > 4096:
        r['value'] = None
        r['valueLen'] = len(value)
        r['valueAllX'] = value == b'x' * len(value)
    else:
        r['value'] = text(value)
        r['valueLen'] = None if value is None else len(value)
    return r


def main(ops):
    cmd = json.loads(sys.stdin.read())
    op = cmd.pop('op')
    try:
        res = ops[op](**cmd)
    except Exception as e:  # reported, not raised: the test asserts on it
        res = {'error': {'type': type(e).__name__, 'message': str(e), 'trace': traceback.format_exc()}}
    sys.stdout.write(json.dumps(res) + '\n')
    sys.stdout.flush()


class Steps:
    """Runs named steps in order; a failed step records its error and the rest still run."""

    def __init__(self):
        self.steps = []

    def run(self, name, fn):
        try:
            value = fn()
            self.steps.append({'step': name, 'ok': True, 'value': value})
            return value
        except Exception as e:
            self.steps.append({'step': name, 'ok': False, 'error': {'type': type(e).__name__, 'message': str(e)}})
            return None

    def result(self):
        return {'steps': self.steps}
