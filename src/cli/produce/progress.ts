/**
 * The progress line on a terminal (stderr only, and only when it is a TTY): records sent and MB/s, with a bar
 * when the input's size is known. It appears after a second, so short inputs never show it.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(records: number, bytes: number): void;
  stop(records: number, bytes: number): void;
}

export function startProgress(totalBytes: number | undefined): Progress {
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  const payload = (records: number, bytes: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    return { records: records.toLocaleString('en-US'), mb: (bytes / 1e6).toFixed(1), rate: (bytes / 1e6 / seconds).toFixed(1) };
  };
  return {
    update(records, bytes) {
      if (bar === undefined) {
        if (Date.now() - started < 1000) return;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
            format: totalBytes !== undefined ? '{bar} {percentage}% | {records} records | {mb} MB | {rate} MB/s' : '{records} records | {mb} MB | {rate} MB/s',
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(totalBytes ?? 0, bytes, payload(records, bytes));
      }
      bar.update(bytes, payload(records, bytes));
    },
    stop(records, bytes) {
      if (bar === undefined) return;
      bar.update(bytes, payload(records, bytes));
      bar.stop();
    },
  };
}
