import { connect, type Socket } from 'node:net';
import { FrameSplitter, decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/index.js';
import { readBatchHeader, readRecords, scanBatches, type KafkaRecord, type RecordBatchHeader } from '../../src/protocol/records/index.js';

/** A bare Kafka connection for tests: sends frames as given and reads responses, or notices the close. */
export class RawClient {
  private frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private splitter = new FrameSplitter(1 << 30);
  closed = false;
  private correlationId = 1;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.frames.push(...this.splitter.push(chunk));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request and returns its correlation id. */
  send(apiKey: number, apiVersion: number, body: unknown, clientId = 'raw-test'): number {
    const correlationId = this.correlationId++;
    this.sendRaw(encodeRequestFrame({ apiKey, apiVersion, correlationId, clientId }, body));
    return correlationId;
  }

  /** The next response frame's payload, or null when the broker closed the connection first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error('no response in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.frames.shift()!;
  }

  async request<T = any>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    const id = this.send(apiKey, apiVersion, body);
    const frame = await this.nextFrame();
    if (frame === null) throw new Error('connection closed');
    const { correlationId, body: response } = decodeResponseFrame(apiKey, apiVersion, frame);
    if (correlationId !== id) throw new Error(`correlation id ${correlationId}, expected ${id}`);
    return response as T;
  }

  /** Every batch of one partition, from offset 0 to the high watermark, read with Fetch v11: headers and records. */
  async readPartition(topic: string, partition: number): Promise<{ header: RecordBatchHeader; records: KafkaRecord[] }[]> {
    const out: { header: RecordBatchHeader; records: KafkaRecord[] }[] = [];
    let offset = 0n;
    for (;;) {
      const r = await this.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 16 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 16 << 20, currentLeaderEpoch: -1, logStartOffset: -1n, lastFetchedEpoch: -1 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const p = r.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition} at ${offset}: error ${p.errorCode}`);
      const scan = scanBatches(p.records);
      if (scan.batches.length === 0) break;
      for (const b of scan.batches) {
        const header = readBatchHeader(p.records, b.position);
        out.push({ header, records: readRecords(p.records, b.position) });
        offset = header.baseOffset + BigInt(header.lastOffsetDelta) + 1n;
      }
      if (offset >= p.highWatermark) break;
    }
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}
