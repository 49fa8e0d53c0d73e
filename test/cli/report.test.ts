import { describe, expect, it } from 'vitest';
import { resolveColorLevel } from '../../src/cli/colors.js';
import { argvWantsDebug, exitCodeOf, oneLineMessage, reportError } from '../../src/cli/errors.js';

describe('resolveColorLevel', () => {
  it('keeps what chalk detected by default', () => {
    expect(resolveColorLevel(2, {})).toBe(2);
    expect(resolveColorLevel(0, {})).toBe(0);
  });
  it('turns colour off for a non-empty NO_COLOR', () => {
    expect(resolveColorLevel(3, { NO_COLOR: '1' })).toBe(0);
    expect(resolveColorLevel(3, { NO_COLOR: 'yes' })).toBe(0);
    expect(resolveColorLevel(3, { NO_COLOR: '' })).toBe(3);
  });
  it('lets FORCE_COLOR win over NO_COLOR, as Node does', () => {
    expect(resolveColorLevel(1, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(1);
  });
});

describe('error reports', () => {
  const report = (err: unknown, debug = false) => {
    let text = '';
    const code = reportError(err, { debug, write: (t) => (text += t) });
    return { code, text };
  };

  it('squeezes a multi-line message onto one line', () => {
    expect(oneLineMessage(new Error('Missing 1 required arg:\n  name  the topic\nSee more help with --help'))).toBe(
      'Missing 1 required arg: name the topic; See more help with --help',
    );
    expect(oneLineMessage('plain string')).toBe('plain string');
    expect(oneLineMessage({ reason: 'x' })).toBe('{"reason":"x"}');
    expect(oneLineMessage(new Error(''))).toBe('Error');
  });

  it('prints one line and exits 1 without --debug', () => {
    const { code, text } = report(new Error('boom\nsecond line'));
    expect(code).toBe(1);
    expect(text.replace(/\u001B\[[0-9;]*m/g, '')).toBe('error: boom; second line\n');
  });

  it('adds the stack and the cause with --debug', () => {
    const { text } = report(new Error('outer', { cause: new Error('inner') }), true);
    expect(text).toMatch(/^\s+at /m);
    expect(text).toContain('caused by: Error: inner');
  });

  it('keeps an exit code an error asks for, but never 0 for a failure', () => {
    expect(report(Object.assign(new Error('x'), { oclif: { exit: 3 } })).code).toBe(3);
    expect(report(Object.assign(new Error('x'), { oclif: { exit: 0 } })).code).toBe(1);
    expect(exitCodeOf(new Error('x'))).toBe(1);
  });

  it('does not report an oclif exit request', () => {
    expect(report(Object.assign(new Error('EEXIT: 0'), { code: 'EEXIT', oclif: { exit: 0 } }))).toEqual({ code: 0, text: '' });
  });

  it('sees --debug only before --', () => {
    expect(argvWantsDebug(['serve', '--debug'])).toBe(true);
    expect(argvWantsDebug(['produce', '--', '--debug'])).toBe(false);
    expect(argvWantsDebug(['serve'])).toBe(false);
  });
});
