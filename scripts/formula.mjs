#!/usr/bin/env node
// `npm run formula`: writes the release url and sha256 of each platform's tarball into the Homebrew formula.
//   node scripts/formula.mjs [--artifacts dir] [--platforms darwin-arm64,linux-x64,...] [--out file] [--base-url url]
// --artifacts: the folder holding gregor-<version>-<os>-<arch>.tar.gz (+ .sha256) from every platform's
//   `npm run package` (default dist-package/). The sha256 is computed from the tarball itself and checked
//   against its .sha256 file when both are there.
// --platforms: the platforms to write (default: all four the formula names; a missing tarball is an error).
//   The others keep the lines they have.
// --out: where to write the formula (default: homebrew/gregor.rb, in place).
// --base-url: where the release tarballs are downloaded from (default: <repository>/releases/download/v<version>).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORMS = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64'];

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      artifacts: { type: 'string', default: path.join(root, 'dist-package') },
      platforms: { type: 'string', default: PLATFORMS.join(',') },
      formula: { type: 'string', default: path.join(root, 'homebrew', 'gregor.rb') },
      out: { type: 'string' },
      'base-url': { type: 'string' },
    },
  }));
} catch (err) {
  fail(err.message);
}

const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = pjson.version;
const repository = (typeof pjson.repository === 'string' ? pjson.repository : pjson.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const baseUrl = (options['base-url'] ?? `${repository}/releases/download/v${version}`).replace(/\/$/, '');
if (!/^https?:\/\//.test(baseUrl)) fail(`no download address: give --base-url or a repository url in package.json (got "${baseUrl}")`);

const platforms = options.platforms.split(',').map((p) => p.trim()).filter(Boolean);
for (const p of platforms) if (!PLATFORMS.includes(p)) fail(`unknown platform "${p}": the formula has ${PLATFORMS.join(', ')}`);

function sha256Of(platform) {
  const name = `gregor-${version}-${platform}.tar.gz`;
  const tarball = path.join(options.artifacts, name);
  const sumFile = `${tarball}.sha256`;
  const listed = fs.existsSync(sumFile) ? fs.readFileSync(sumFile, 'utf8').split(/\s+/)[0] : undefined;
  if (!fs.existsSync(tarball)) {
    if (listed === undefined) fail(`${name} is not in ${options.artifacts} (build it with \`npm run package\` on ${platform})`);
    return listed; // only the checksum was collected from that platform's build
  }
  const computed = createHash('sha256').update(fs.readFileSync(tarball)).digest('hex');
  if (listed !== undefined && listed !== computed) fail(`${sumFile} says ${listed}, but ${name} hashes to ${computed}`);
  return computed;
}

let formula = fs.readFileSync(options.formula, 'utf8');
for (const platform of platforms) {
  const sha = sha256Of(platform);
  // The url line names its platform; the sha256 line after it is that tarball's.
  const block = new RegExp(`(url ")[^"]*-${platform}\\.tar\\.gz("\\s*\\n\\s*sha256 ")[0-9a-f]{64}(")`);
  if (!block.test(formula)) fail(`${options.formula} has no url + sha256 lines for ${platform}`);
  formula = formula.replace(block, `$1${baseUrl}/gregor-${version}-${platform}.tar.gz$2${sha}$3`);
  process.stderr.write(`formula: ${platform} ${sha}\n`);
}
const out = options.out ?? options.formula;
fs.writeFileSync(out, formula);
process.stderr.write(`formula: wrote ${out}\n`);
