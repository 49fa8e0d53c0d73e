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
import HelpCommand from './help.js';
import ServeCommand from './serve.js';
import VersionCommand from './version.js';

export const commands: Record<string, Command.Class> = {
  consume: ConsumeCommand,
  help: HelpCommand,
  serve: ServeCommand,
  version: VersionCommand,
};
