/**
 * meta.properties, as `kafka-storage format` writes it (MetaProperties + PropertiesUtils.writePropertiesFile):
 * java.util.Properties.store(writer, "") on Java 18+, which prints an empty comment line, a comment with the
 * date (Date.toString(), here always in UTC), then the keys in sorted order; written to meta.properties.tmp,
 * fsynced, then renamed.
 *
 *   #
 *   #Tue Nov 03 10:15:43 UTC 2026
 *   cluster.id=MkU3OEVBNTcwNTJENDM2Qg
 *   directory.id=nmVqxgkeTfC4SghDU8GvUQ
 *   node.id=1
 *   version=1
 *
 * openDataDir() formats an empty or missing directory, reads and checks a formatted one, and refuses a
 * directory that holds data but no meta.properties: it never formats over data.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError } from './errors.js';
import { isKafkaUuid, randomDirectoryId, randomKafkaUuid } from './uuid.js';

export const META_PROPERTIES_FILE = 'meta.properties';

export interface MetaProperties {
  version: number;
  clusterId: string;
  nodeId: number;
  directoryId: string | null;
}

export interface DataDirInfo extends MetaProperties {
  dir: string;
  /** True when this call formatted the directory (a new cluster). */
  formatted: boolean;
}

export interface OpenDataDirOptions {
  nodeId: number;
  /** Cluster id for a directory formatted now; default a new random one (`kafka-storage random-uuid`). */
  clusterId?: string;
  /** The clock for the date comment; default now. */
  now?: Date;
}

/** Entries that do not count as data when deciding whether a directory is empty. */
const IGNORABLE = new Set(['.DS_Store', 'Thumbs.db', 'lost+found', '.gitkeep', '.keep', '.lock', 'meta.properties.tmp']);

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** java.util.Date.toString() in UTC: "Tue Nov 03 10:15:43 UTC 2026". */
export function javaDateString(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/** Escapes a value as Properties.store does (saveConvert with escapeSpace=false, escUnicode=false). */
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    switch (c) {
      case '\\': out += '\\\\'; break;
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '=': case ':': case '#': case '!': out += '\\' + c; break;
      case ' ': out += i === 0 ? '\\ ' : ' '; break;
      default: out += c;
    }
  }
  return out;
}

export function serializeMetaProperties(props: MetaProperties, now: Date = new Date()): string {
  const entries: [string, string][] = [
    ['cluster.id', props.clusterId],
    ['node.id', String(props.nodeId)],
    ['version', String(props.version)],
  ];
  if (props.directoryId !== null) entries.push(['directory.id', props.directoryId]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `#\n#${javaDateString(now)}\n` + entries.map(([k, v]) => `${k}=${escapeValue(v)}\n`).join('');
}

/** Minimal java.util.Properties.load: comments, `=`/`:`/space separators, backslash escapes, continuations. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    const rawKey = line.slice(0, k);
    let v = k;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    if (v < line.length && '=:'.includes(line[v]!)) v++;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    out.set(unescape(rawKey), unescape(line.slice(v)));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

/** Reads and checks meta.properties; null when the file does not exist. */
export function readMetaProperties(dir: string): MetaProperties | null {
  const path = join(dir, META_PROPERTIES_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataDirError(`Cannot read ${path}: ${(err as Error).message}`, 'BAD_META_PROPERTIES');
  }
  const props = parseProperties(text);
  const bad = (why: string): never => {
    throw new DataDirError(`${path} is not a valid KRaft meta.properties: ${why}`, 'BAD_META_PROPERTIES');
  };
  const version = props.get('version') ?? '0';
  if (version !== '1') bad(`version=${version} (only version 1, KRaft, is supported${version === '0' ? '; version 0 is a ZooKeeper-mode directory' : ''})`);
  const clusterId = props.get('cluster.id');
  if (!clusterId) bad('cluster.id was not found');
  const nodeIdText = props.get('node.id');
  if (nodeIdText === undefined) bad('node.id was not found');
  if (!/^-?\d+$/.test(nodeIdText!)) bad(`unable to read node.id (${nodeIdText}) as a base-10 number`);
  const directoryId = props.get('directory.id') ?? null;
  if (directoryId !== null && !isKafkaUuid(directoryId)) bad(`unable to read directory.id (${directoryId}) as a Uuid`);
  return { version: 1, clusterId: clusterId!, nodeId: Number(nodeIdText), directoryId };
}

/** Writes meta.properties the way Kafka does: temp file, fsync, atomic rename, fsync of the directory. */
export function writeMetaProperties(dir: string, props: MetaProperties, now: Date = new Date()): void {
  const path = join(dir, META_PROPERTIES_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, serializeMetaProperties(props, now));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Directories cannot be opened or fsynced on every platform (Windows); the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Entries of `dir` that count as data; empty when the directory is missing or holds only ignorable files. */
export function dataEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => !IGNORABLE.has(name) && name !== META_PROPERTIES_FILE).sort();
}

/**
 * Opens a data directory for `nodeId`: formats it when it is missing or empty (a new cluster id and directory
 * id), else reads meta.properties and checks it belongs to this node. A directory with data but no
 * meta.properties is refused with DataDirError: formatting it would orphan that data.
 */
export function openDataDir(dir: string, options: OpenDataDirOptions): DataDirInfo {
  const { nodeId } = options;
  if (!Number.isInteger(nodeId) || nodeId < 0) throw new RangeError(`node id must be a non-negative integer, got ${nodeId}`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new DataDirError(`Data directory ${dir} exists but is not a directory.`, 'NOT_A_DIRECTORY');
  }
  const existing = readMetaProperties(dir);
  if (existing) {
    if (existing.nodeId !== nodeId) {
      throw new DataDirError(
        `Refusing to start: ${join(dir, META_PROPERTIES_FILE)} says node.id=${existing.nodeId}, but this node is configured with node id ${nodeId}. ` +
          `The directory belongs to another node of cluster ${existing.clusterId}; use its node id or another data directory.`,
        'NODE_ID_MISMATCH',
      );
    }
    if (existing.directoryId === null) {
      // Kafka (KIP-858) adds a directory id to a pre-3.7 meta.properties on start; do the same.
      existing.directoryId = randomDirectoryId();
      writeMetaProperties(dir, existing, options.now);
    }
    return { ...existing, dir, formatted: false };
  }
  const entries = dataEntries(dir);
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new DataDirError(
      `Refusing to start: data directory ${dir} holds data (${shown}) but no ${META_PROPERTIES_FILE}. ` +
        `gregor never formats over existing data. If this is a gregor data directory whose ${META_PROPERTIES_FILE} was lost, ` +
        `restore it (cluster.id, directory.id, node.id, version=1); otherwise point the data directory at an empty or new folder.`,
      'UNFORMATTED_WITH_DATA',
    );
  }
  const clusterId = options.clusterId ?? randomKafkaUuid();
  if (!isKafkaUuid(clusterId)) throw new RangeError(`cluster id must be a Kafka uuid (22 base64url characters), got ${JSON.stringify(clusterId)}`);
  mkdirSync(dir, { recursive: true });
  const props: MetaProperties = { version: 1, clusterId, nodeId, directoryId: randomDirectoryId() };
  writeMetaProperties(dir, props, options.now);
  return { ...props, dir, formatted: true };
}
