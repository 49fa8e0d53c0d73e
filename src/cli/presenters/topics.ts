/**
 * How `gregor topic …` prints: tables in the style of rpk for people, one JSON document for scripts.
 *
 * Commands that act on several topics print one row per topic (OK or the topic's error) and then fail when any
 * topic failed; a single topic that fails prints nothing but the error line (`error: topic "x" already exists`).
 */
import type { ConfigEntry } from '../../client/admin/configs.js';
import type {
  AddPartitionsOutcome,
  CreateOutcome,
  TopicDescription,
  TopicOutcome,
  TopicSummary,
} from '../../client/admin/topics.js';
import type { KafkaError } from '../../client/errors.js';
import { stdoutColor } from '../colors.js';
import { renderTable, toJson, type Column } from '../output.js';

// ---- list ----

export function renderTopicList(topics: readonly TopicSummary[]): string {
  return renderTable(topics, [
    { header: 'NAME', value: (t) => (t.internal ? stdoutColor.dim(t.name) : t.name) },
    { header: 'PARTITIONS', value: (t) => t.partitions, align: 'right' },
    { header: 'REPLICAS', value: (t) => t.replicationFactor, align: 'right' },
  ]);
}

export function topicListJson(topics: readonly TopicSummary[]): string {
  return toJson(topics.map((t) => ({ name: t.name, id: t.id, internal: t.internal, partitions: t.partitions, replicationFactor: t.replicationFactor })), 2);
}

// ---- describe ----

const heading = (title: string) => `${stdoutColor.bold(title)}\n${'='.repeat(title.length)}`;
const nodes = (ids: readonly number[]) => `[${ids.join(',')}]`;

/** Configs set somewhere (topic, broker) rather than Kafka's built-in defaults: what kafka-topics --describe shows. */
export function nonDefaultConfigs(configs: readonly ConfigEntry[]): ConfigEntry[] {
  return configs.filter((c) => !c.isDefault);
}

export function renderTopicDescription(d: TopicDescription): string {
  const summary = renderTable(
    [
      ['NAME', d.name],
      ['ID', d.id],
      ['INTERNAL', String(d.internal)],
      ['PARTITIONS', String(d.partitions.length)],
      ['REPLICATION-FACTOR', String(d.replicationFactor)],
    ],
    [
      { header: '', value: (r) => stdoutColor.bold(r[0]) },
      { header: '', value: (r) => r[1] },
    ],
  )
    // The two-column summary has no header row.
    .split('\n')
    .slice(1)
    .join('\n');
  const set = nonDefaultConfigs(d.configs);
  const configs =
    set.length === 0
      ? stdoutColor.dim('(every config has its default value)')
      : renderTable(set, [
          { header: 'KEY', value: (c) => c.name },
          { header: 'VALUE', value: (c) => (c.sensitive ? stdoutColor.dim('(sensitive)') : c.value) },
          { header: 'SOURCE', value: (c) => stdoutColor.dim(c.source) },
        ]);
  const anyOffline = d.partitions.some((p) => p.offline.length > 0);
  const columns: Column<TopicDescription['partitions'][number]>[] = [
    { header: 'PARTITION', value: (p) => p.partition, align: 'right' },
    { header: 'LEADER', value: (p) => (p.leader < 0 ? stdoutColor.red('none') : p.leader), align: 'right' },
    { header: 'EPOCH', value: (p) => p.leaderEpoch, align: 'right' },
    { header: 'REPLICAS', value: (p) => nodes(p.replicas) },
    { header: 'ISR', value: (p) => (p.isr.length < p.replicas.length ? stdoutColor.yellow(nodes(p.isr)) : nodes(p.isr)) },
    ...(anyOffline ? [{ header: 'OFFLINE', value: (p: TopicDescription['partitions'][number]) => stdoutColor.red(nodes(p.offline)) }] : []),
    { header: 'LOG-START', value: (p) => p.logStartOffset, align: 'right' },
    { header: 'HIGH-WATERMARK', value: (p) => p.highWatermark, align: 'right' },
  ];
  return [heading('SUMMARY'), summary, '', heading('CONFIGS'), configs, '', heading('PARTITIONS'), renderTable(d.partitions, columns)].join('\n');
}

export function topicDescriptionJson(d: TopicDescription) {
  return {
    name: d.name,
    id: d.id,
    internal: d.internal,
    partitionCount: d.partitions.length,
    replicationFactor: d.replicationFactor,
    configs: d.configs.map((c) => ({ name: c.name, value: c.value, source: c.source, isDefault: c.isDefault, readOnly: c.readOnly, sensitive: c.sensitive })),
    partitions: d.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      offline: p.offline,
      logStartOffset: p.logStartOffset,
      highWatermark: p.highWatermark,
    })),
  };
}

export function topicDescriptionsJson(ds: readonly TopicDescription[]): string {
  return toJson(ds.map(topicDescriptionJson), 2);
}

// ---- per-topic outcomes (create, delete, add-partitions, alter-config) ----

export function errorJson(err: KafkaError | undefined) {
  return err === undefined ? undefined : { code: err.errorName, message: err.message };
}

const status = (o: TopicOutcome, ok: string) => (o.error === undefined ? stdoutColor.green(ok) : stdoutColor.red(o.error.message));

export function renderOutcomes<O extends TopicOutcome>(outcomes: readonly O[], extra: Column<O>[] = [], ok: (o: O) => string = () => 'OK'): string {
  return renderTable(outcomes, [{ header: 'TOPIC', value: (o) => o.topic }, ...extra, { header: 'STATUS', value: (o) => status(o, ok(o)) }]);
}

export function renderCreated(outcomes: readonly CreateOutcome[]): string {
  return renderOutcomes(
    outcomes,
    [
      { header: 'PARTITIONS', value: (o) => (o.partitions === undefined || o.partitions < 0 ? undefined : o.partitions), align: 'right' },
      { header: 'REPLICAS', value: (o) => (o.replicationFactor === undefined || o.replicationFactor < 0 ? undefined : o.replicationFactor), align: 'right' },
    ],
    (o) => (o.status === 'validated' ? 'OK (dry run, not created)' : o.status === 'exists' ? 'OK (already exists)' : 'OK'),
  );
}

export function renderAddedPartitions(outcomes: readonly AddPartitionsOutcome[], dryRun: boolean): string {
  return renderOutcomes(
    outcomes,
    [
      { header: 'BEFORE', value: (o) => o.before, align: 'right' },
      { header: 'AFTER', value: (o) => o.total, align: 'right' },
    ],
    () => (dryRun ? 'OK (dry run, not changed)' : 'OK'),
  );
}

/** One JSON object per topic: the topic, its error (code and message) when it failed, and `fields` of it. */
export function outcomesJson<O extends TopicOutcome>(outcomes: readonly O[], fields: (o: O) => Record<string, unknown> = () => ({})): string {
  return toJson(
    outcomes.map((o) => (o.error === undefined ? { topic: o.topic, ...fields(o) } : { topic: o.topic, error: errorJson(o.error) })),
    2,
  );
}

/**
 * The error that ends a command when any topic failed: the topic's own error when it was the only one named,
 * else one line that counts the failures and quotes the first.
 */
export function failureOf(outcomes: readonly TopicOutcome[]): Error | undefined {
  const failed = outcomes.filter((o) => o.error !== undefined);
  if (failed.length === 0) return undefined;
  if (outcomes.length === 1) return failed[0]!.error!;
  const first = failed[0]!.error!.message;
  return new Error(failed.length === 1 ? `${first} (1 of ${outcomes.length} topics failed)` : `${failed.length} of ${outcomes.length} topics failed; first: ${first}`);
}
