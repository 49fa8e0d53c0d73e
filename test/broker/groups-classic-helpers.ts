/** Raw-protocol helpers for the classic group tests: one RawClient per member, as each consumer has its own. */
import { ApiKey } from '../../src/protocol/index.js';
import { RawClient } from './raw-client.js';

export const META_A = Buffer.from('metadata-a');
export const META_B = Buffer.from('metadata-b');

export interface JoinOptions {
  memberId?: string;
  instanceId?: string | null;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  protocolType?: string;
  protocols?: { name: string; metadata: Buffer }[];
  version?: number;
}

export class Member {
  memberId = '';
  generationId = -1;
  constructor(
    readonly client: RawClient,
    readonly groupId: string,
    readonly opts: JoinOptions = {},
  ) {}

  static async connect(port: number, groupId: string, opts: JoinOptions = {}): Promise<Member> {
    return new Member(await RawClient.connect(port), groupId, opts);
  }

  /** One JoinGroup request as given (no retry on MEMBER_ID_REQUIRED). */
  async joinOnce(over: JoinOptions = {}): Promise<any> {
    const o = { ...this.opts, ...over };
    const r = await this.client.request(ApiKey.JoinGroup, o.version ?? 9, {
      groupId: this.groupId,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 10_000,
      memberId: o.memberId ?? this.memberId,
      groupInstanceId: o.instanceId ?? null,
      protocolType: o.protocolType ?? 'consumer',
      protocols: o.protocols ?? [{ name: 'range', metadata: META_A }],
      reason: null,
    });
    if (r.errorCode === 0 || r.errorCode === 79) this.memberId = r.memberId;
    if (r.errorCode === 0) this.generationId = r.generationId;
    return r;
  }

  /** JoinGroup as a client does it: again with the given id after MEMBER_ID_REQUIRED. */
  async join(over: JoinOptions = {}): Promise<any> {
    const r = await this.joinOnce(over);
    if (r.errorCode !== 79) return r;
    return this.joinOnce({ ...over, memberId: r.memberId });
  }

  sync(assignments: { memberId: string; assignment: Buffer }[] = [], over: { version?: number; generationId?: number; protocolName?: string | null; protocolType?: string | null } = {}): Promise<any> {
    return this.client.request(ApiKey.SyncGroup, over.version ?? 5, {
      groupId: this.groupId,
      generationId: over.generationId ?? this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.opts.instanceId ?? null,
      protocolType: over.protocolType === undefined ? 'consumer' : over.protocolType,
      protocolName: over.protocolName === undefined ? 'range' : over.protocolName,
      assignments,
    });
  }

  heartbeat(over: { generationId?: number; memberId?: string; version?: number } = {}): Promise<any> {
    return this.client.request(ApiKey.Heartbeat, over.version ?? 4, {
      groupId: this.groupId,
      generationId: over.generationId ?? this.generationId,
      memberId: over.memberId ?? this.memberId,
      groupInstanceId: this.opts.instanceId ?? null,
    });
  }

  leave(version = 5): Promise<any> {
    return this.client.request(ApiKey.LeaveGroup, version, {
      groupId: this.groupId,
      memberId: version < 3 ? this.memberId : '',
      members: version < 3 ? [] : [{ memberId: this.memberId, groupInstanceId: this.opts.instanceId ?? null, reason: version >= 5 ? 'test' : null }],
    });
  }

  close(): void {
    this.client.close();
  }
}

/** FindCoordinator once: it creates __consumer_offsets, which every group API needs. */
export async function findCoordinator(port: number, groupId: string): Promise<void> {
  const c = await RawClient.connect(port);
  const r = await c.request(ApiKey.FindCoordinator, 3, { key: groupId, keyType: 0 });
  c.close();
  if (r.errorCode !== 0) throw new Error(`FindCoordinator: ${r.errorCode}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the condition holds (timers fire on their own schedule). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}
