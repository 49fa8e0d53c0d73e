/**
 * oclif's Config for the single executable: the root plugin is built in code with the command map
 * pre-filled, so nothing is read from disk. Shared by sea-main.ts and write-manifest.ts, which makes
 * the manifest at build time exactly as the executable would at run time.
 */
import { Config, Plugin, type Interfaces } from '@oclif/core';
import { commands } from '../../commands/index.js';

type Pjson = ConstructorParameters<typeof Plugin>[0]['pjson'];

/**
 * With a manifest, the plugin takes it instead of building one: building it means loading every command
 * class and computing its flags (cacheCommand), about 10 ms and a few MB on every start.
 */
export async function loadConfig(root: string, pjson: Pjson, manifest?: Interfaces.Manifest): Promise<Config> {
  const plugin = new Plugin({ root, isRoot: true, pjson, type: 'core', ignoreManifest: true });
  // What loadCommandsFromTarget() would import from package.json's "explicit" target.
  (plugin as unknown as { commandCache: typeof commands }).commandCache = commands;
  if (manifest) {
    // Plugin.load() asks _manifest() (oclif 4's private method) for the commands: answer with the built one.
    (plugin as unknown as { _manifest: () => Promise<Interfaces.Manifest> })._manifest = async () => {
      plugin.commandIDs = Object.keys(manifest.commands);
      return manifest;
    };
  }
  await plugin.load();
  return Config.load({
    root,
    pjson,
    plugins: new Map([[plugin.name, plugin]]),
    userPlugins: false,
    devPlugins: false,
  } as Parameters<typeof Config.load>[0]);
}

/** The manifest of the root plugin, as the executable would build it. */
export function rootManifest(config: Config): Interfaces.Manifest {
  const plugin = config.plugins.get(config.pjson.name) as unknown as { manifest?: Interfaces.Manifest } | undefined;
  if (!plugin?.manifest) throw new Error(`no root plugin ${config.pjson.name}`);
  return plugin.manifest;
}
