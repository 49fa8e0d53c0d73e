/**
 * A request's partitions after the broker's own checks (KafkaApis refuses unknown topics and partitions before the
 * coordinator sees them): each keeps its error, NONE for those handed on. The coordinator's answers for the
 * partitions handed on are merged back in request order, so a response lists the partitions as the request did.
 */
import { ErrorCode } from '../../protocol/index.js';

export interface Screened<T, P> {
  topic: T;
  partitions: P[];
  errors: number[];
}

export function screen<T, P>(topic: T, partitions: P[], errorOf: (p: P) => number): Screened<T, P> {
  return { topic, partitions, errors: partitions.map(errorOf) };
}

/** The partitions that passed, per topic that has any, in request order. */
export function passed<T, P>(list: readonly Screened<T, P>[]): { topic: T; partitions: P[] }[] {
  return list
    .map((s) => ({ topic: s.topic, partitions: s.partitions.filter((_, i) => s.errors[i] === ErrorCode.NONE) }))
    .filter((s) => s.partitions.length > 0);
}

/** Writes the coordinator's answers, given in passed()'s order, into the screened errors. */
export function mergeAnswers<T, P>(list: readonly Screened<T, P>[], answers: readonly { partitions: readonly { errorCode: number }[] }[]): void {
  let next = 0;
  for (const s of list) {
    if (!s.errors.includes(ErrorCode.NONE)) continue;
    const answer = answers[next++]!;
    let j = 0;
    s.errors.forEach((err, i) => {
      if (err === ErrorCode.NONE) s.errors[i] = answer.partitions[j++]!.errorCode;
    });
  }
}
