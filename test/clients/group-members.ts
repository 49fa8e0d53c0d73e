/**
 * Consumer-group members of every client, behind one interface, for the group checks (groups-suite.ts).
 *
 * A member subscribes to one topic in one group, reports its current assignment and every record it is given,
 * commits the positions of what it consumed when told to (manual commits: the test decides when), and leaves the
 * group on close. kafkajs members run in this process; the others are processes speaking JSON lines:
 *
 *   stdout (events):  {"ev":"assigned","partitions":[0,1]}   the member's whole assignment after a change
 *                     {"ev":"records","records":[[partition, offset, key, value], …]}
 *                     {"ev":"done","id":n} / {"ev":"failed","id":n,"error":…}   a command's outcome
 *                     {"ev":"log","msg":…}
 *   stdin (commands): {"cmd":"commit","id":n}   commit the next offset after every consumed record
 *                     {"cmd":"close","id":n}    stop consuming, leave the group, exit
 *
 * kcat (`-G`) cannot be told anything: its records are its -J lines, its assignment librdkafka's rebalance lines
 * on stderr, its commits librdkafka's auto-commit (100 ms) and the commit at close (SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEBIAN_PYTHON, debianPythonEnv } from '../helpers/debian-clients.js';
import { node22 } from '../helpers/node22.js';
import { require } from './drivers.js';
import { HERE, sleep } from './support.js';

const kafkajs = require('kafkajs');

/** Short timeouts, so that rebalances take a fraction of a second (Kafka's minimum session timeout is 6 s). */
export const SESSION_TIMEOUT_MS = 6000;
export const HEARTBEAT_INTERVAL_MS = 200;
export const REBALANCE_TIMEOUT_MS = 10_000;

export interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

export interface MemberOptions {
  group: string;
  topic: string;
  /** 'consumer': KIP-848 (ConsumerGroupHeartbeat); only @platformatic/kafka speaks it here. */
  protocol?: 'classic' | 'consumer';
  /** Take at most this many records, then commit them and leave the group (the member ends by itself). */
  limit?: number;
  /** Let the client commit by itself (platformatic: autocommit every 100 ms, also on revocation). */
  autoCommit?: boolean;
  /** platformatic: commit each record (awaited) before taking the next. */
  commitEach?: boolean;
  /** The clientId the member shows in DescribeGroups. */
  clientId?: string;
}

export abstract class GroupMember {
  readonly records: Consumed[] = [];
  /** The member's current assignment (partitions of the topic, sorted); null before its first. */
  assignment: number[] | null = null;
  /** Every assignment it was given, in order. */
  readonly history: number[][] = [];
  exited = false;
  /** The id the coordinator last gave it, for clients that report it (kafkajs); a rejoin after its session
   * expired (Kafka's UNKNOWN_MEMBER_ID) or a client restart brings a new one. */
  memberId: string | undefined;
  protected logLines: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly label: string) {}

  abstract commit(): Promise<void>;
  /** Leaves the group (committing nothing more than was committed). */
  abstract close(): Promise<void>;
  /** Ends the member without leaving the group (its session must expire). */
  abstract kill(): void;

  log(): string {
    return this.logLines.join('\n').slice(-4000);
  }

  protected assigned(partitions: number[]): void {
    this.assignment = [...partitions].sort((a, b) => a - b);
    this.history.push(this.assignment);
    this.wake();
  }

  protected consumed(records: Consumed[]): void {
    this.records.push(...records);
    this.wake();
  }

  protected note(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > 400) this.logLines.splice(0, 200);
  }

  protected wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves at the next change (a record, an assignment, an exit) or after `ms`. */
  changed(ms = 100): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setTimeout(resolve, ms);
    });
  }
}

/** Waits until `cond()` holds, or throws `what()` (a description of the state) after `timeoutMs`. */
export async function until(cond: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(25);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// kafkajs (in this process)

class KafkajsMember extends GroupMember {
  private consumer: any;
  /** Next offset to commit, per partition (the offset after the last record consumed). */
  private positions = new Map<number, number>();
  private stopped = false;

  constructor(
    private bootstrap: string,
    private o: MemberOptions,
  ) {
    super(`kafkajs member of ${o.group}`);
  }

  async start(): Promise<this> {
    const kafka = new kafkajs.Kafka({
      clientId: this.o.clientId ?? 'gregor-groups-kafkajs',
      brokers: [this.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.consumer = kafka.consumer({
      groupId: this.o.group,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e: any) => {
      this.note(`joined generation ${e.payload.generationId} as ${e.payload.memberId}`);
      this.memberId = e.payload.memberId;
      const mine: number[] = e.payload.memberAssignment[this.o.topic] ?? [];
      // Positions of partitions now owned by others must not be committed again (they would move the new owner's
      // committed offsets back).
      for (const p of [...this.positions.keys()]) if (!mine.includes(p)) this.positions.delete(p);
      this.assigned(mine);
    });
    this.consumer.on(CRASH, (e: any) => this.note(`crash: ${e.payload.error?.message}`));
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: this.o.autoCommit === true,
      eachMessage: async ({ partition, message }: any) => {
        if (this.stopped) return;
        const offset = Number(message.offset);
        this.positions.set(partition, offset + 1);
        this.consumed([{ partition, offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null }]);
        if (this.o.limit !== undefined && this.records.length >= this.o.limit) {
          this.stopped = true;
          // Not awaited here: kafkajs waits for eachMessage before it can leave the group.
          setImmediate(() => void this.finish());
        }
      },
    });
    return this;
  }

  private async finish(): Promise<void> {
    try {
      await this.commit();
      await this.close();
    } catch (e) {
      this.note(`finish failed: ${(e as Error).message}`);
    }
  }

  async commit(): Promise<void> {
    const offsets = [...this.positions].map(([partition, offset]) => ({ topic: this.o.topic, partition, offset: String(offset) }));
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.stopped = true;
    await this.consumer.disconnect();
    this.exited = true;
    this.wake();
  }

  kill(): void {
    // kafkajs cannot die without leaving: stop it without LeaveGroup is not possible in-process.
    throw new Error('kafkajs members cannot be killed without leaving the group');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Processes speaking the JSON-lines protocol (python scripts, platformatic under Node 22)

class StdioMember extends GroupMember {
  private nextId = 1;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private buffer = '';
  private exitedPromise: Promise<void>;

  constructor(
    label: string,
    private child: ChildProcess,
    config: Record<string, unknown>,
  ) {
    super(label);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i: number;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        if (line.trim()) this.onLine(line);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.note(chunk.trimEnd()));
    child.stdin!.on('error', () => {});
    this.exitedPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.note(`exited ${code ?? signal}`);
        for (const p of this.pending.values()) p.reject(new Error(`${this.label} exited (${code ?? signal}) before answering; log:\n${this.log()}`));
        this.pending.clear();
        this.wake();
        resolve();
      }),
    );
    child.stdin!.write(JSON.stringify(config) + '\n');
  }

  private onLine(line: string): void {
    let ev: any;
    try {
      ev = JSON.parse(line);
    } catch {
      this.note(`stdout: ${line}`);
      return;
    }
    switch (ev.ev) {
      case 'assigned':
        this.note(`assigned ${JSON.stringify(ev.partitions)}`);
        this.assigned(ev.partitions);
        break;
      case 'records':
        this.consumed(ev.records.map(([partition, offset, key, value]: [number, number, string | null, string | null]) => ({ partition, offset, key, value })));
        break;
      case 'done':
      case 'failed': {
        const p = this.pending.get(ev.id);
        this.pending.delete(ev.id);
        if (ev.ev === 'done') p?.resolve();
        else p?.reject(new Error(`${this.label}: ${JSON.stringify(ev.error)}`));
        break;
      }
      default:
        this.note(`${ev.ev}: ${JSON.stringify(ev.msg ?? ev)}`);
    }
  }

  private command(cmd: string, timeoutMs = 20_000): Promise<void> {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited; log:\n${this.log()}`));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: no answer to ${cmd} in ${timeoutMs} ms; log:\n${this.log()}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.stdin!.write(JSON.stringify({ cmd, id }) + '\n');
    });
  }

  commit(): Promise<void> {
    return this.command('commit');
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.command('close').catch((e) => {
      if (!this.exited) throw e;
    });
    await this.exitedPromise;
  }

  /** Resolves when the process has exited (a member with a limit ends by itself). */
  ended(): Promise<void> {
    return this.exitedPromise;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export function pythonMember(script: string, label: string, bootstrap: string, o: MemberOptions): GroupMember {
  const child = spawn(DEBIAN_PYTHON, [join(HERE, 'py', script), 'member'], { env: debianPythonEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  return new StdioMember(label, child, memberConfig(bootstrap, o));
}

export async function platformaticMember(bootstrap: string, o: MemberOptions): Promise<GroupMember> {
  const bin = await node22();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(bin, [join(HERE, 'platformatic-group.mjs'), 'member'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  return new StdioMember(`platformatic ${o.protocol ?? 'classic'} member of ${o.group}`, child, memberConfig(bootstrap, o));
}

function memberConfig(bootstrap: string, o: MemberOptions): Record<string, unknown> {
  return {
    bootstrap,
    group: o.group,
    topic: o.topic,
    protocol: o.protocol ?? 'classic',
    limit: o.limit ?? null,
    auto_commit: o.autoCommit === true,
    commit_each: o.commitEach === true,
    client_id: o.clientId ?? null,
    session_timeout_ms: SESSION_TIMEOUT_MS,
    heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
    rebalance_timeout_ms: REBALANCE_TIMEOUT_MS,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// kcat -G (librdkafka's balanced consumer)

/** kcat's rebalance line: "% Group g rebalanced (memberid …): assigned: t [0], t [1]" (or "revoked: …"). */
const REBALANCE = /rebalanced \(memberid [^)]*\): (assigned|revoked): ?(.*)$/;

class KcatMember extends GroupMember {
  private exitedPromise: Promise<void>;
  private stdoutBuf = '';
  private stderrBuf = '';

  constructor(
    private child: ChildProcess,
    private topic: string,
    group: string,
  ) {
    super(`kcat -G member of ${group}`);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.stdoutBuf += chunk;
      let i: number;
      const got: Consumed[] = [];
      while ((i = this.stdoutBuf.indexOf('\n')) >= 0) {
        const line = this.stdoutBuf.slice(0, i);
        this.stdoutBuf = this.stdoutBuf.slice(i + 1);
        if (!line.trim()) continue;
        try {
          const m = JSON.parse(line);
          got.push({ partition: m.partition, offset: m.offset, key: m.key, value: m.payload });
        } catch {
          this.note(`stdout: ${line}`);
        }
      }
      if (got.length) this.consumed(got);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrBuf += chunk;
      let i: number;
      while ((i = this.stderrBuf.indexOf('\n')) >= 0) {
        const line = this.stderrBuf.slice(0, i);
        this.stderrBuf = this.stderrBuf.slice(i + 1);
        this.note(line);
        const m = REBALANCE.exec(line);
        if (!m) continue;
        if (m[1] === 'revoked') this.assigned([]);
        else {
          const parts = [...m[2]!.matchAll(/(\S+) \[(\d+)\]/g)].filter((x) => x[1] === this.topic).map((x) => Number(x[2]));
          this.assigned(parts);
        }
      }
    });
    this.exitedPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.note(`exited ${code ?? signal}`);
        this.wake();
        resolve();
      }),
    );
  }

  /** librdkafka commits what was consumed every auto.commit.interval.ms (100): wait a few intervals. */
  async commit(): Promise<void> {
    await sleep(500);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM'); // kcat closes the consumer: commits, then LeaveGroup
    await this.exitedPromise;
  }

  ended(): Promise<void> {
    return this.exitedPromise;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export function kcatMember(bootstrap: string, o: MemberOptions): GroupMember {
  const args = ['-b', bootstrap, '-G', o.group, o.topic, '-J', '-u'];
  const conf: Record<string, string | number> = {
    'session.timeout.ms': SESSION_TIMEOUT_MS,
    'heartbeat.interval.ms': HEARTBEAT_INTERVAL_MS,
    'max.poll.interval.ms': REBALANCE_TIMEOUT_MS,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': 'true',
    'auto.commit.interval.ms': 100,
    'fetch.wait.max.ms': 100,
    'client.id': o.clientId ?? 'gregor-groups-kcat',
  };
  for (const [k, v] of Object.entries(conf)) args.push('-X', `${k}=${v}`);
  if (o.limit !== undefined) args.push('-c', String(o.limit));
  const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new KcatMember(child, o.topic, o.group);
}

export async function kafkajsMember(bootstrap: string, o: MemberOptions): Promise<GroupMember> {
  return new KafkajsMember(bootstrap, o).start();
}

/** Waits for a member with a `limit` to end by itself (it commits and leaves first). */
export async function ended(m: GroupMember, timeoutMs = 20_000): Promise<void> {
  await until(() => m.exited, () => `${m.label} to end by itself after its limit; log:\n${m.log()}`, timeoutMs);
}
