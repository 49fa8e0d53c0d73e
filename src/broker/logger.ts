export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  enabled(level: LogLevel): boolean;
}

/** One line per event on stderr (stdout stays free for the serve banner and scripts). */
export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at = RANK[level];
  const log = (l: LogLevel) => (message: string) => {
    if (RANK[l] <= at) write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), enabled: (l) => RANK[l] <= at };
}
