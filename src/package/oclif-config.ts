/**
 * oclif's Config for the single executable: the root plugin is built in code with the command map
 * pre-filled, so nothing is read from disk. Shared by sea-main.ts and write-manifest.ts, which makes
 * the manifest at build time exactly as the executable would at run time.
 */
import { Config, Plugin, type Command, type Interfaces } from '@oclif/core';
import { commands } from '../../commands/index.js';

type Pjson = ConstructorParameters<typeof Plugin>[0]['pjson'];

/**
 * With a manifest (made by write-manifest.ts), the plugin takes it instead of building one: building it
 * loads every command class and computes its flags (about 10 ms on every start). And Plugin.load() sorts
 * the commands with localeCompare, whose first call starts ICU's collator (6-14 ms and 5 MB of ICU data
 * paged in): the manifest comes sorted, so load() is given no commands and they are set after it.
 * `_manifest` and the mapping below are oclif 4's Plugin.load() internals.
 */
export async function loadConfig(root: string, pjson: Pjson, manifest?: Interfaces.Manifest): Promise<Config> {
  const plugin = new Plugin({ root, isRoot: true, pjson, type: 'core', ignoreManifest: true });
  // What loadCommandsFromTarget() would import from package.json's "explicit" target.
  (plugin as unknown as { commandCache: typeof commands }).commandCache = commands;
  if (manifest) {
    (plugin as unknown as { _manifest: () => Promise<Interfaces.Manifest> })._manifest = async () => ({ ...manifest, commands: {} });
  }
  await plugin.load();
  if (manifest) {
    plugin.manifest = manifest;
    plugin.commandIDs = Object.keys(manifest.commands);
    plugin.commands = Object.entries(manifest.commands).map(([id, c]): Command.Loadable => ({
      ...c,
      load: async () => plugin.findCommand(id, { must: true }),
      pluginAlias: plugin.alias,
      pluginType: c.pluginType === 'jit' ? 'jit' : plugin.type,
    }));
  }
  return Config.load({
    root,
    pjson,
    plugins: new Map([[plugin.name, plugin]]),
    userPlugins: false,
    devPlugins: false,
  } as Parameters<typeof Config.load>[0]);
}

/** The manifest of the root plugin as the executable would build it, its commands in load()'s order. */
export function rootManifest(config: Config): Interfaces.Manifest {
  const plugin = config.plugins.get(config.pjson.name) as unknown as Plugin | undefined;
  if (!plugin?.manifest) throw new Error(`no root plugin ${config.pjson.name}`);
  const sorted = plugin.commands.map((c) => [c.id, plugin.manifest.commands[c.id]]);
  return { ...plugin.manifest, commands: Object.fromEntries(sorted) };
}
