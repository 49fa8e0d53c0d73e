/**
 * Colour for gregor's own output.
 *
 * chalk decides from the stream (no colour when stdout/stderr is not a TTY, FORCE_COLOR, --no-color),
 * but chalk 5 ignores NO_COLOR, so it is handled here: a non-empty NO_COLOR turns colour off
 * (https://no-color.org) unless FORCE_COLOR is set, which wins as it does for Node itself.
 * oclif's help output uses ansis, which honours NO_COLOR on its own.
 */
import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance, type ColorSupportLevel } from 'chalk';

/** The colour level to use, given what chalk detected for the stream and the environment. */
export function resolveColorLevel(detected: ColorSupportLevel, env: NodeJS.ProcessEnv = process.env): ColorSupportLevel {
  if (env.FORCE_COLOR !== undefined) return detected;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  return detected;
}

function instance(detected: { level: ColorSupportLevel } | false): ChalkInstance {
  return new Chalk({ level: resolveColorLevel(detected ? detected.level : 0) });
}

/** Colours for text written to stdout. */
export const stdoutColor: ChalkInstance = instance(supportsColor);
/** Colours for text written to stderr. */
export const stderrColor: ChalkInstance = instance(supportsColorStderr);
