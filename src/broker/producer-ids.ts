import type { MetadataController } from '../metadata/index.js';

/**
 * Kafka's ProducerIdManager as a KRaft broker runs it (RPCProducerIdManager): the controller hands out producer
 * ids in blocks of 1000 through the metadata log (AllocateProducerIds → ProducerIdsRecord), so an id is never
 * given twice, across restarts included (a restart starts from the next block: the rest of the old one is
 * skipped, as in Kafka). The broker hands out ids from its current block and asks for the next when it is used.
 */
export class ProducerIdManager {
  private next = 0n;
  private end = 0n;

  constructor(
    private readonly metadata: MetadataController,
    private readonly nodeId: number,
  ) {}

  /** A new producer id, or the error the controller answered the block request with. */
  generate(): { producerId: bigint } | { errorCode: number; errorMessage: string | null } {
    if (this.next >= this.end) {
      const block = this.metadata.allocateProducerIds(this.nodeId);
      if (block.errorCode !== 0) return { errorCode: block.errorCode, errorMessage: block.errorMessage };
      this.next = block.producerIdStart;
      this.end = block.producerIdStart + BigInt(block.producerIdLen);
    }
    return { producerId: this.next++ };
  }
}
