/**
 * The single-voter KRaft quorum: `quorum-state` (FileQuorumStateStore's JSON, data_version 1) in the
 * __cluster_metadata-0 directory, and what DescribeQuorum reports.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MetadataLogError } from './errors.js';
import { fsyncDir } from './meta-properties.js';

export const QUORUM_STATE_FILE = 'quorum-state';

export interface QuorumStateFile {
  leaderId: number;
  leaderEpoch: number;
  votedId: number;
  votedDirectoryId: string | null;
}

export function readQuorumState(dir: string): QuorumStateFile | null {
  let text: string;
  try {
    text = readFileSync(join(dir, QUORUM_STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const leaderEpoch = Number(json.leaderEpoch);
    if (!Number.isInteger(leaderEpoch)) throw new Error('leaderEpoch missing');
    return {
      leaderId: Number(json.leaderId ?? -1),
      leaderEpoch,
      votedId: Number(json.votedId ?? -1),
      votedDirectoryId: typeof json.votedDirectoryId === 'string' ? json.votedDirectoryId : null,
    };
  } catch (err) {
    throw new MetadataLogError(`Cannot read ${join(dir, QUORUM_STATE_FILE)}: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes quorum-state as Kafka's FileQuorumStateStore does (temp file, fsync, rename). */
export function writeQuorumState(dir: string, state: QuorumStateFile): void {
  const path = join(dir, QUORUM_STATE_FILE);
  const json: Record<string, unknown> = {
    leaderId: state.leaderId,
    leaderEpoch: state.leaderEpoch,
    votedId: state.votedId,
  };
  if (state.votedDirectoryId !== null) json.votedDirectoryId = state.votedDirectoryId;
  json.data_version = 1;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(json));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

export interface QuorumEndpoint {
  name: string;
  host: string;
  port: number;
}

export interface ReplicaStateInfo {
  replicaId: number;
  replicaDirectoryId: string;
  logEndOffset: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

/** DescribeQuorumResponse's partition and node data for __cluster_metadata-0. */
export interface QuorumDescription {
  topicName: string;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  currentVoters: ReplicaStateInfo[];
  observers: ReplicaStateInfo[];
  nodes: { nodeId: number; listeners: QuorumEndpoint[] }[];
  kraftVersion: number;
}
