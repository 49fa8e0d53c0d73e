/**
 * Every gregor command, by id. package.json's oclif section points here with the "explicit"
 * strategy, so nothing is discovered on disk (a single-executable bundle pre-fills oclif's
 * command cache with this same map).
 *
 * Ids use ":" between words; with `"topicSeparator": " "` users type them with spaces
 * (`topic:create` → `gregor topic create`).
 *
 * Every command module listed here is imported on every start: keep their top-level imports light.
 */
import type { Command } from '@oclif/core';
import ConsumeCommand from './consume.js';
import GroupDeleteOffsetsCommand from './group/delete-offsets.js';
import GroupDeleteCommand from './group/delete.js';
import GroupDescribeCommand from './group/describe.js';
import GroupListCommand from './group/list.js';
import GroupResetOffsetsCommand from './group/reset-offsets.js';
import HelpCommand from './help.js';
import ProduceCommand from './produce.js';
import ServeCommand from './serve.js';
import TopicAddPartitionsCommand from './topic/add-partitions.js';
import TopicAlterConfigCommand from './topic/alter-config.js';
import TopicCreateCommand from './topic/create.js';
import TopicDeleteCommand from './topic/delete.js';
import TopicDescribeCommand from './topic/describe.js';
import TopicListCommand from './topic/list.js';
import VersionCommand from './version.js';

export const commands: Record<string, Command.Class> = {
  consume: ConsumeCommand,
  'group:delete-offsets': GroupDeleteOffsetsCommand,
  'group:delete': GroupDeleteCommand,
  'group:describe': GroupDescribeCommand,
  'group:list': GroupListCommand,
  'group:reset-offsets': GroupResetOffsetsCommand,
  help: HelpCommand,
  produce: ProduceCommand,
  serve: ServeCommand,
  'topic:add-partitions': TopicAddPartitionsCommand,
  'topic:alter-config': TopicAlterConfigCommand,
  'topic:create': TopicCreateCommand,
  'topic:delete': TopicDeleteCommand,
  'topic:describe': TopicDescribeCommand,
  'topic:list': TopicListCommand,
  version: VersionCommand,
};
