/**
 * Finalized features: metadata.version and the KIP-1022 features, the levels gregor formats a cluster with,
 * the ranges it supports, and the record versions each metadata.version implies (MetadataVersion.java).
 *
 * Choices (documented in the report and in README-level docs):
 *  - metadata.version 29 = 4.2-IV1, Kafka 4.2's latest production level: gregor speaks the 4.2 protocol
 *    (Fetch 18, ListOffsets 11, ELR-capable PartitionRecord v2, RegisterBrokerRecord v3 with log dirs).
 *  - kraft.version 1 (KIP-853 dynamic quorum): what `kafka-storage format --standalone` sets; written as a
 *    KRaftVersionRecord control record, never as a FeatureLevelRecord.
 *  - group.version 1: the KIP-848 consumer group protocol (ConsumerGroupHeartbeat) is served.
 *  - transaction.version 2: KIP-890 transactions (epoch bump per transaction), Kafka 4.x's default.
 *  - share.version 1: KIP-932 share groups, production-ready in 4.2.
 *  - eligible.leader.replicas.version 0 and streams.version 0: Kafka 4.2 would format both at 1, but gregor
 *    neither maintains ELRs (KIP-966) nor serves streams groups (KIP-1071); advertising them would make
 *    clients use protocols the broker does not implement. Raise them (bootstrapFeatures) when it does.
 */

export const METADATA_VERSION = 'metadata.version';
export const KRAFT_VERSION = 'kraft.version';
export const GROUP_VERSION = 'group.version';
export const TRANSACTION_VERSION = 'transaction.version';
export const SHARE_VERSION = 'share.version';
export const ELR_VERSION = 'eligible.leader.replicas.version';
export const STREAMS_VERSION = 'streams.version';

/** MetadataVersion feature levels used below (server-common MetadataVersion.java). */
export const MV = {
  IBP_3_3_IV3: 7,
  IBP_3_4_IV0: 8,
  IBP_3_6_IV0: 12,
  IBP_3_7_IV0: 15,
  IBP_3_7_IV2: 17,
  IBP_3_9_IV0: 21,
  IBP_4_0_IV0: 22,
  IBP_4_0_IV1: 23,
  IBP_4_0_IV2: 24,
  IBP_4_0_IV3: 25,
  IBP_4_1_IV0: 26,
  IBP_4_1_IV1: 27,
  IBP_4_2_IV0: 28,
  IBP_4_2_IV1: 29,
} as const;

const MV_NAMES: Record<number, string> = {
  7: '3.3-IV3', 8: '3.4-IV0', 9: '3.5-IV0', 10: '3.5-IV1', 11: '3.5-IV2', 12: '3.6-IV0', 13: '3.6-IV1', 14: '3.6-IV2',
  15: '3.7-IV0', 16: '3.7-IV1', 17: '3.7-IV2', 18: '3.7-IV3', 19: '3.7-IV4', 20: '3.8-IV0', 21: '3.9-IV0',
  22: '4.0-IV0', 23: '4.0-IV1', 24: '4.0-IV2', 25: '4.0-IV3', 26: '4.1-IV0', 27: '4.1-IV1', 28: '4.2-IV0', 29: '4.2-IV1',
};

/** '4.2-IV1' for 29, as MetadataVersion.toString() prints it. */
export function metadataVersionName(level: number): string {
  return MV_NAMES[level] ?? `unknown(${level})`;
}

export const LATEST_METADATA_VERSION = MV.IBP_4_2_IV1;

export interface FeatureRange {
  minVersion: number;
  maxVersion: number;
}

/** What this gregor build can run with: ApiVersions' SupportedFeatures and RegisterBrokerRecord.features. */
export const SUPPORTED_FEATURES: Readonly<Record<string, FeatureRange>> = Object.freeze({
  [METADATA_VERSION]: { minVersion: MV.IBP_3_3_IV3, maxVersion: LATEST_METADATA_VERSION },
  [KRAFT_VERSION]: { minVersion: 0, maxVersion: 1 },
  [GROUP_VERSION]: { minVersion: 0, maxVersion: 1 },
  [TRANSACTION_VERSION]: { minVersion: 0, maxVersion: 2 },
  [SHARE_VERSION]: { minVersion: 0, maxVersion: 1 },
  [ELR_VERSION]: { minVersion: 0, maxVersion: 0 },
  [STREAMS_VERSION]: { minVersion: 0, maxVersion: 0 },
});

/** The levels a new cluster is formatted with (see the header for why). */
export const DEFAULT_BOOTSTRAP_FEATURES: Readonly<Record<string, number>> = Object.freeze({
  [METADATA_VERSION]: LATEST_METADATA_VERSION,
  [KRAFT_VERSION]: 1,
  [GROUP_VERSION]: 1,
  [TRANSACTION_VERSION]: 2,
  [SHARE_VERSION]: 1,
  [ELR_VERSION]: 0,
  [STREAMS_VERSION]: 0,
});

/** Kafka's FeatureVersion.dependencies(): feature → { other feature: minimum level } for level ≥ 1. */
const DEPENDENCIES: Record<string, Record<number, Record<string, number>>> = {
  [KRAFT_VERSION]: { 1: { [METADATA_VERSION]: MV.IBP_3_9_IV0 } },
  [SHARE_VERSION]: { 1: { [METADATA_VERSION]: MV.IBP_4_1_IV1 } },
  [ELR_VERSION]: { 1: { [METADATA_VERSION]: MV.IBP_4_0_IV2 } },
};

/** Null when `feature` at `level` may coexist with `levels`, else the reason (Feature.validateVersion). */
export function checkFeatureDependencies(feature: string, level: number, levels: Readonly<Record<string, number>>): string | null {
  if (feature === METADATA_VERSION) {
    for (const [other, byLevel] of Object.entries(DEPENDENCIES)) {
      const otherLevel = levels[other] ?? 0;
      const need = byLevel[otherLevel]?.[METADATA_VERSION];
      if (need !== undefined && level < need) {
        return `${other} level ${otherLevel} depends on ${METADATA_VERSION} level ${need}`;
      }
    }
    return null;
  }
  if (level >= 1 && (levels[METADATA_VERSION] ?? 0) < MV.IBP_3_3_IV3) {
    return `${feature} could not be set to ${level} because it depends on ${METADATA_VERSION}=${MV.IBP_3_3_IV3} (3.3-IV3)`;
  }
  const deps = DEPENDENCIES[feature]?.[level];
  if (deps) {
    for (const [other, need] of Object.entries(deps)) {
      if ((levels[other] ?? 0) < need) {
        return `${feature} could not be set to ${level} because it depends on ${other} level ${need}`;
      }
    }
  }
  return null;
}

/** The record versions a metadata.version writes (MetadataVersion.*RecordVersion()). */
export interface RecordVersions {
  registerBroker: number;
  partition: number;
  partitionChange: number;
  brokerRegistrationChange: number;
}

export function recordVersionsFor(metadataVersion: number): RecordVersions {
  const directories = metadataVersion >= MV.IBP_3_7_IV2;
  const elr = metadataVersion >= MV.IBP_4_0_IV1;
  return {
    registerBroker: directories ? 3 : metadataVersion >= MV.IBP_3_4_IV0 ? 2 : 1,
    partition: elr ? 2 : directories ? 1 : 0,
    partitionChange: elr ? 2 : directories ? 1 : 0,
    brokerRegistrationChange: directories ? 2 : 1,
  };
}
