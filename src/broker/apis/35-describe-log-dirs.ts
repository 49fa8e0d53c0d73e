import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { METADATA_TOPIC_NAME } from '../../metadata/index.js';
import { ErrorCode } from '../../protocol/index.js';
import type { DescribeLogDirsTopic } from '../../protocol/messages/describe-log-dirs-response.js';
import { defineHandler } from '../api.js';

// DescribeLogDirs (35), v0-5, as KafkaApis / ReplicaManager.describeLogDirs answer it.
// v1: same as v0. v2: flexible. v3: top-level error code. v4: total and usable bytes of the volume (KIP-827).
// v5: is_cordoned (KIP-1066; gregor never cordons its directory).
//
// gregor has one log directory, its data directory. Every topic with a log there is listed; its partitions are
// those asked for (null topics: all), each with its size on disk and an offset lag of 0 (a leader's log end
// offset is never behind its high watermark). The metadata log is not a partition log and is not listed.
export default defineHandler({
  apiKey: 35,
  minVersion: 0,
  maxVersion: 5,
  handle(request, { broker }) {
    const dir = resolve(broker.logs.dataDir);
    const wanted = request.topics === null ? null : new Set(request.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\0${p}`)));
    const byTopic = new Map<string, DescribeLogDirsTopic>();
    for (const log of broker.logs.partitions()) {
      if (log.topic === METADATA_TOPIC_NAME) continue;
      let topic = byTopic.get(log.topic);
      if (topic === undefined) byTopic.set(log.topic, (topic = { name: log.topic, partitions: [] }));
      if (wanted !== null && !wanted.has(`${log.topic}\0${log.partition}`)) continue;
      const size = log.segments().reduce((sum, s) => sum + s.size, 0);
      topic.partitions.push({ partitionIndex: log.partition, partitionSize: BigInt(size), offsetLag: 0n, isFutureKey: false });
    }
    for (const t of byTopic.values()) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex);
    let totalBytes = -1n;
    let usableBytes = -1n;
    try {
      const s = statfsSync(dir, { bigint: true });
      totalBytes = s.blocks * s.bsize;
      usableBytes = s.bavail * s.bsize;
    } catch {
      // Kafka reports -1 when the file store can't be read.
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [
        {
          errorCode: ErrorCode.NONE,
          logDir: dir,
          topics: [...byTopic.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
          totalBytes,
          usableBytes,
          isCordoned: false,
        },
      ],
    };
  },
});
