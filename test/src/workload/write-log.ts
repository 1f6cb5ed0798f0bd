/** One write a client sent and the cluster acknowledged. */
export interface AcknowledgedWrite {
  readonly key: string;
  readonly value: string;
  /** The writing client's counter: on one key, a higher sequence is a later write. */
  readonly sequence: number;
  /** performance.now() when it was sent and when its 200 came back. */
  readonly sentAtMs: number;
  readonly acknowledgedAtMs: number;
}

/** What writers sent and what was acknowledged, per key; each key has exactly one writer. */
export class WriteLog {
  private readonly acknowledged: AcknowledgedWrite[] = [];
  private readonly lastAcknowledged = new Map<string, AcknowledgedWrite>();
  private readonly highestSent = new Map<string, number>();
  private readonly failuresByKind = new Map<string, number>();

  sent(key: string, sequence: number): void {
    this.highestSent.set(key, Math.max(sequence, this.highestSent.get(key) ?? 0));
  }

  acknowledge(write: AcknowledgedWrite): void {
    this.acknowledged.push(write);
    const previous = this.lastAcknowledged.get(write.key);
    if (previous !== undefined && previous.sequence >= write.sequence) {
      throw new Error(`writer of ${write.key} acknowledged sequence ${write.sequence} after ${previous.sequence}`);
    }
    this.lastAcknowledged.set(write.key, write);
  }

  /** A write that got no 200, by its kind (`refused`, `lost`, `503 no_leader`, ...). */
  failed(kind: string): void {
    this.failuresByKind.set(kind, (this.failuresByKind.get(kind) ?? 0) + 1);
  }

  /** How many writes failed, by kind. */
  failures(): ReadonlyMap<string, number> {
    return this.failuresByKind;
  }

  get acknowledgedCount(): number {
    return this.acknowledged.length;
  }

  /** Acknowledged writes that were sent after `sinceMs`: proof the cluster took writes again. */
  acknowledgedSentAfter(sinceMs: number): AcknowledgedWrite[] {
    return this.acknowledged.filter((write) => write.sentAtMs > sinceMs);
  }

  /** Every key written, with its last acknowledged write (if any) and the highest sequence sent. */
  keys(): { key: string; lastAcknowledged: AcknowledgedWrite | undefined; highestSent: number }[] {
    return [...this.highestSent].map(([key, highestSent]) => ({ key, lastAcknowledged: this.lastAcknowledged.get(key), highestSent }));
  }
}
