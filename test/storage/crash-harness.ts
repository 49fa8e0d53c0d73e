/**
 * Crash trials: a child process appends (crash-child.mjs, on the compiled dist/), gets SIGKILLed at
 * a random moment, and the data dir is reopened here to check that every batch the child reported
 * as acknowledged is there, byte for byte (modulo the header fields the broker rewrites), at the
 * offsets it was given, with contiguous offsets and no batch twice. Trials share one data dir, so
 * each one also starts from a log recovered by the previous one.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogManager } from '../../src/storage/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const CHILD = path.join(here, 'crash-child.mjs');

interface Ack {
  topic: string;
  partition: number;
  base: number;
  last: number;
  trial: number;
  seq: number;
}

export interface TrialReport {
  trials: number;
  acked: number;
  /** Records in the acknowledged batches. */
  ackedRecords: number;
  lost: number;
  lostRecords: number;
  problems: string[];
  recoveryLines: number;
  recoveryLineSamples: string[];
}

/** Builds dist/ when it is missing or older than the sources the child uses. */
export function ensureBuilt(): void {
  const target = path.join(root, 'dist/src/storage/index.js');
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...fs.readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(path.join(dir, e.name)) : e.name.endsWith('.ts') ? fs.statSync(path.join(dir, e.name)).mtimeMs : 0,
      ),
    );
  const sources = Math.max(newest(path.join(root, 'src/storage')), newest(path.join(root, 'src/protocol/records')));
  if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
    cwd: root,
    stdio: 'inherit',
  });
}

function runChild(dataDir: string, trial: number, killAfterMs: number, killBeforeReady: boolean): Promise<{ acks: Ack[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, String(trial)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if (killBeforeReady) timer = setTimeout(kill, killAfterMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!timer && out.includes('READY\n')) timer = setTimeout(kill, killAfterMs);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err += chunk));
    const safety = setTimeout(kill, 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(safety);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited by itself (code ${code}, signal ${signal}): ${err.slice(-2000)}`));
        return;
      }
      const acks: Ack[] = [];
      for (const line of out.split('\n')) {
        // Only complete lines count: a line cut by the kill was not fully reported.
        const m = /^A (\S+) (\d+) (\d+) (\d+) (\d+) (\d+)$/.exec(line);
        if (m) acks.push({ topic: m[1]!, partition: +m[2]!, base: +m[3]!, last: +m[4]!, trial: +m[5]!, seq: +m[6]! });
      }
      resolve({ acks, stderr: err });
    });
  });
}

/** Checks the data dir against every acknowledgement so far; returns the problems found. */
async function verify(dataDir: string, acks: Map<string, Ack>, lines: string[]): Promise<{ problems: string[]; lost: number; lostRecords: number }> {
  const { makeBatch } = (await import(CHILD)) as { makeBatch: (trial: number, counter: number) => Buffer };
  const problems: string[] = [];
  const manager = LogManager.open({ dataDir, log: (l) => lines.push(l) });
  const found = new Map<string, { topic: string; partition: number; base: number; last: number }>();
  try {
    const perPartition = new Map<string, number>();
    for (const l of lines) {
      const m = /^(\S+-\d+): /.exec(l);
      if (m) perPartition.set(m[1]!, (perPartition.get(m[1]!) ?? 0) + 1);
    }
    for (const [p, n] of perPartition) if (n > 1) problems.push(`${n} recovery lines for ${p} in one open`);
    for (const log of manager.partitions()) {
      let expected = log.logStartOffset();
      let offset = log.logStartOffset();
      while (offset < log.logEndOffset()) {
        const r = log.read(offset, 1 << 20);
        const buf = r.records;
        for (let pos = 0; pos < buf.length; ) {
          const size = 12 + buf.readInt32BE(pos + 8);
          const b = buf.subarray(pos, pos + size);
          const base = Number(b.readBigInt64BE(0));
          const last = base + b.readInt32BE(23);
          if (base !== expected) problems.push(`${log.topic}-${log.partition}: batch at ${base}, expected ${expected}`);
          expected = last + 1;
          const trial = Number(b.readBigInt64BE(43) >> 32n);
          const seq = b.readInt32BE(53);
          const key = `${trial}/${seq}`;
          if (found.has(key)) problems.push(`${key} appears twice (${log.topic}-${log.partition} at ${base})`);
          found.set(key, { topic: log.topic, partition: log.partition, base, last });
          const produced = makeBatch(trial, seq);
          const lat = log.topic === 'lat';
          // Compared modulo what the broker rewrites: base offset, leader epoch, and for LogAppendTime
          // the timestamp type, max timestamp and CRC.
          const same =
            produced.length === b.length &&
            produced.subarray(8, 12).equals(b.subarray(8, 12)) &&
            (lat
              ? produced.subarray(23, 35).equals(b.subarray(23, 35)) && produced.subarray(43).equals(b.subarray(43))
              : produced.subarray(16).equals(b.subarray(16)));
          if (!same) problems.push(`${key} at ${log.topic}-${log.partition}@${base}: bytes differ from what was produced`);
          pos += size;
        }
        offset = r.nextOffset;
      }
    }
  } finally {
    manager.close();
  }
  let lost = 0;
  let lostRecords = 0;
  for (const [key, ack] of acks) {
    const f = found.get(key);
    if (!f || f.topic !== ack.topic || f.partition !== ack.partition || f.base !== ack.base || f.last !== ack.last) {
      lostRecords += ack.last - ack.base + 1;
    }
    if (!f) {
      lost++;
      problems.push(`acknowledged ${key} (${ack.topic}-${ack.partition} ${ack.base}..${ack.last}) is missing`);
    } else if (f.topic !== ack.topic || f.partition !== ack.partition || f.base !== ack.base || f.last !== ack.last) {
      lost++;
      problems.push(`acknowledged ${key} at ${ack.topic}-${ack.partition} ${ack.base}..${ack.last} found at ${f.topic}-${f.partition} ${f.base}..${f.last}`);
    }
  }
  return { problems, lost, lostRecords };
}

export async function runCrashTrials(opts: { dataDir: string; trials: number; seed?: number; maxKillMs?: number; onTrial?: (i: number, r: TrialReport) => void }): Promise<TrialReport> {
  ensureBuilt();
  let seed = opts.seed ?? 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const acks = new Map<string, Ack>();
  const report: TrialReport = { trials: 0, acked: 0, ackedRecords: 0, lost: 0, lostRecords: 0, problems: [], recoveryLines: 0, recoveryLineSamples: [] };
  for (let trial = 1; trial <= opts.trials; trial++) {
    // Mostly kill while appending; one trial in five at any moment from the start (open, recovery).
    const early = rand() < 0.2;
    const killAfter = Math.floor(rand() * (early ? 250 : (opts.maxKillMs ?? 400)));
    const { acks: got } = await runChild(opts.dataDir, trial, killAfter, early);
    for (const a of got) acks.set(`${a.trial}/${a.seq}`, a);
    const lines: string[] = [];
    const { problems, lost, lostRecords } = await verify(opts.dataDir, acks, lines);
    report.trials++;
    report.acked = acks.size;
    report.ackedRecords = 0;
    for (const a of acks.values()) report.ackedRecords += a.last - a.base + 1;
    // Acknowledgements accumulate over trials: what is missing now includes what went missing before.
    report.lost = Math.max(report.lost, lost);
    report.lostRecords = Math.max(report.lostRecords, lostRecords);
    report.problems.push(...problems.map((p) => `trial ${trial}: ${p}`));
    report.recoveryLines += lines.length;
    if (report.recoveryLineSamples.length < 5) report.recoveryLineSamples.push(...lines.slice(0, 5 - report.recoveryLineSamples.length));
    opts.onTrial?.(trial, report);
  }
  return report;
}
