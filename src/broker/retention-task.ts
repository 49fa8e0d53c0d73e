/**
 * Kafka's LogManager "kafka-log-retention" task: every `log.retention.check.interval.ms` the broker deletes
 * segments past retention.ms / retention.bytes and advances log start offsets. Storage does the work
 * (LogManager.runRetention); this only schedules it, off the request path.
 */
import type { LogManager } from '../storage/index.js';
import type { Logger } from './logger.js';

export function scheduleRetention(logs: LogManager, intervalMs: number, log: Logger): () => void {
  const timer = setInterval(() => {
    try {
      logs.runRetention();
    } catch (e) {
      log.error(`log retention check failed: ${(e as Error).message}`);
    }
  }, Math.max(intervalMs, 10));
  timer.unref();
  return () => clearInterval(timer);
}
