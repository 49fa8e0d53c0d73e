/**
 * Subscription regular expressions (KIP-848): Kafka compiles them with RE2/J and a topic is subscribed when the
 * whole name matches. Here an RE2 pattern is translated to the equivalent JavaScript RegExp; RE2 syntax with no
 * JavaScript equivalent, and JavaScript-only syntax RE2 refuses (lookaround, backreferences), are errors, as RE2/J
 * would report them: Kafka answers INVALID_REGULAR_EXPRESSION.
 */
export class RegexSyntaxError extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\u{0}-\\u{7f}',
  blank: '\\t ',
  cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const hex = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;
const isWordChar = (c: string) => /[0-9A-Za-z_]/.test(c);

/**
 * Translates one RE2 pattern into a JavaScript source and flags (for the `u` mode), or throws RegexSyntaxError
 * with RE2/J's wording.
 */
export function translateRe2(re2: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  // Leading flag group (?i), (?s), (?m), (?U is not expressible): applies to the whole pattern.
  const lead = /^\(\?([imsU]+)\)/.exec(re2);
  if (lead !== null) {
    if (lead[1]!.includes('U')) throw new RegexSyntaxError(`invalid or unsupported Perl syntax: \`${lead[0]}\``);
    flags = [...new Set(lead[1]!)].join('');
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  let classStart = false;
  while (i < re2.length) {
    const c = re2[i]!;
    if (c === '\\') {
      const n = re2[i + 1];
      if (n === undefined) throw new RegexSyntaxError('trailing backslash at end of expression: ``');
      if (n === 'Q') {
        const end = re2.indexOf('\\E', i + 2);
        const literal = re2.slice(i + 2, end === -1 ? undefined : end);
        out += [...literal].map((ch) => (isWordChar(ch) ? ch : hex(ch))).join('');
        i = end === -1 ? re2.length : end + 2;
        classStart = false;
        continue;
      }
      if (/[1-9]/.test(n) && !inClass) throw new RegexSyntaxError(`invalid escape sequence: \`\\${n}\``);
      if (n === 'x') {
        const braced = /^\\x\{([0-9A-Fa-f]+)\}/.exec(re2.slice(i));
        const two = /^\\x([0-9A-Fa-f]{2})/.exec(re2.slice(i));
        const m = braced ?? two;
        if (m === null) throw new RegexSyntaxError(`invalid escape sequence: \`${re2.slice(i, i + 4)}\``);
        out += `\\u{${m[1]}}`;
        i += m[0].length;
        classStart = false;
        continue;
      }
      if (/[0-7]/.test(n)) {
        const m = /^\\([0-7]{1,3})/.exec(re2.slice(i))!;
        out += `\\u{${parseInt(m[1]!, 8).toString(16)}}`;
        i += m[0].length;
        classStart = false;
        continue;
      }
      if (n === 'p' || n === 'P') {
        const braced = /^\\[pP]\{(\^?)([A-Za-z_]+)\}/.exec(re2.slice(i));
        const single = /^\\[pP]([A-Za-z])/.exec(re2.slice(i));
        const m = braced ?? single;
        if (m === null) throw new RegexSyntaxError(`invalid character class range: \`${re2.slice(i, i + 3)}\``);
        const negate = (n === 'P') !== (braced !== null && m[1] === '^');
        const name = braced !== null ? m[2]! : m[1]!;
        const prop = /^(L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Cs|Co|Cn)$/.test(name)
          ? name
          : name === 'Any'
            ? 'Any'
            : `Script=${name}`;
        out += `\\${negate ? 'P' : 'p'}{${prop}}`;
        i += m[0].length;
        classStart = false;
        continue;
      }
      switch (n) {
        case 'A':
          if (inClass) throw new RegexSyntaxError('invalid escape sequence: `\\A`');
          out += '^';
          break;
        case 'z':
          if (inClass) throw new RegexSyntaxError('invalid escape sequence: `\\z`');
          out += '$';
          break;
        case 'a':
          out += '\\u{7}';
          break;
        case 'd': case 'D': case 'w': case 'W': case 'b': case 'B': case 'f': case 'n': case 'r': case 't': case 'v':
          if (inClass && (n === 'b' || n === 'B')) throw new RegexSyntaxError(`invalid escape sequence: \`\\${n}\``);
          out += `\\${n}`;
          break;
        case 's':
          out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
          break;
        case 'S':
          if (inClass) throw new RegexSyntaxError('invalid escape sequence: `\\S` in a class has no equivalent here');
          out += '[^\\t\\n\\f\\r ]';
          break;
        default:
          // RE2 lets any punctuation be escaped; letters and digits other than the above are errors (\C, \Z, \k, \u, \c…).
          if (isWordChar(n)) throw new RegexSyntaxError(`invalid escape sequence: \`\\${n}\``);
          out += hex(n);
      }
      i += 2;
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === '[' && re2[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(re2.slice(i));
        if (m === null || POSIX_CLASSES[m[2]!] === undefined) throw new RegexSyntaxError(`invalid character class range: \`${re2.slice(i, i + 8)}\``);
        if (m[1] === '^') throw new RegexSyntaxError(`negated POSIX class \`${m[0]}\` has no equivalent here`);
        out += POSIX_CLASSES[m[2]!];
        i += m[0].length;
        classStart = false;
        continue;
      }
      if (c === ']' && !classStart) inClass = false;
      out += c === '[' || (c === ']' && classStart) ? hex(c) : c === '-' ? '-' : /[()|{}/]/.test(c) ? hex(c) : c;
      classStart = c === '^' && re2[i - 1] === '[' ? true : false;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      i++;
      if (re2[i] === '^') {
        out += '^';
        i++;
      }
      classStart = true;
      continue;
    }
    if (c === '(' && re2[i + 1] === '?') {
      const rest = re2.slice(i);
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named !== null) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
        continue;
      }
      if (rest.startsWith('(?:')) {
        out += '(?:';
        i += 3;
        continue;
      }
      const end = rest.indexOf(')');
      throw new RegexSyntaxError(`invalid or unsupported Perl syntax: \`${rest.slice(0, Math.min(end === -1 ? 3 : end + 1, 8))}\``);
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && (re2[i + 1] === '+')) {
      throw new RegexSyntaxError(`invalid nested repetition operator: \`${c}+\``);
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(re2.slice(i));
      if (m !== null && (Number(m[1]) > 1000 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 1000))) {
        throw new RegexSyntaxError(`invalid repeat count: \`${m[0]}\``);
      }
      if (m === null) {
        out += hex(c); // RE2 reads a `{` that starts no repetition as a literal
        i++;
        continue;
      }
    }
    if (c === '}' && !/\{\d+(,\d*)?$/.test(out.slice(Math.max(0, out.lastIndexOf('{'))))) {
      out += hex(c);
      i++;
      continue;
    }
    if (c === '/') {
      out += hex(c);
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) throw new RegexSyntaxError(`missing closing ]: \`${re2.slice(re2.lastIndexOf('['))}\``);
  return { source: out, flags };
}

/** The RegExp matching whole topic names, as RE2/J's `matcher(topic).matches()`. */
export function compileTopicRegex(re2: string): RegExp {
  const { source, flags } = translateRe2(re2);
  try {
    return new RegExp(`^(?:${source})$`, `${flags}u`);
  } catch (e) {
    throw new RegexSyntaxError((e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ''));
  }
}
