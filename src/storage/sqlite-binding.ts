/**
 * The options every `new Database(...)` is opened with. Normally empty: better-sqlite3 finds its addon in
 * node_modules. A single executable has no node_modules; its entry (src/package/sea-main.ts) provides a
 * loader for the addon it carries, and better-sqlite3 then takes the loaded module as `nativeBinding`.
 */
import type Database from 'better-sqlite3';

let loader: (() => object) | undefined;
let binding: object | undefined;

export function provideSqliteBinding(load: () => object): void {
  loader = load;
  binding = undefined;
}

export function databaseOptions(): Database.Options {
  if (!loader) return {};
  binding ??= loader();
  // @types/better-sqlite3 only knows the path form; better-sqlite3 ≥ 8 also takes the addon object.
  return { nativeBinding: binding as unknown as string };
}
