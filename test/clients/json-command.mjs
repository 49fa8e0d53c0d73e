// What the test/clients driver scripts (run as child processes) share: one JSON command on stdin, one JSON result
// on stdout, errors as plain trees the tests can match.

/** An error (and its causes and aggregated errors) as a plain object: name, code, message, Kafka's fields. */
export function errorTree(e) {
  if (e === null || typeof e !== 'object') return { message: String(e) };
  const out = { name: e.name, code: e.code, message: e.message };
  for (const k of ['apiId', 'apiCode', 'serverErrorMessage']) if (e[k] !== undefined) out[k] = e[k];
  if (Array.isArray(e.errors)) out.errors = e.errors.map(errorTree);
  if (e.cause) out.cause = errorTree(e.cause);
  return out;
}

export async function readStdinJson() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Reads one command, runs `ops[cmd.op]`, writes its result (or the error) and exits once stdout is flushed. */
export async function answerOneCommand(ops) {
  const cmd = await readStdinJson();
  let result;
  try {
    result = await ops[cmd.op](cmd);
  } catch (e) {
    result = { error: { ...errorTree(e), details: errorTree(e), stack: e?.stack ?? String(e) } };
  }
  // Exit only once stdout is flushed (a pipe is asynchronous: exiting at once would cut a large result).
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}
