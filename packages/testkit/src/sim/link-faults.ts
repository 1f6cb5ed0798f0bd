import type { NodeId } from '@flotilla/raft';

/**
 * Which directed links are cut. A symmetric partition cuts both directions; a one-way
 * partition cuts one, the case where a node hears the leader but cannot answer it.
 */
export class LinkFaults {
  private readonly cut = new Set<string>();

  private static key(from: NodeId, to: NodeId): string {
    return `${from}>${to}`;
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.has(LinkFaults.key(from, to));
  }

  cutOneWay(from: NodeId, to: NodeId): void {
    if (from !== to) this.cut.add(LinkFaults.key(from, to));
  }

  /** Cuts every link between the two sides, in both directions. */
  partition(sideA: readonly NodeId[], sideB: readonly NodeId[]): void {
    for (const a of sideA) {
      for (const b of sideB) {
        this.cutOneWay(a, b);
        this.cutOneWay(b, a);
      }
    }
  }

  isolate(node: NodeId, others: readonly NodeId[]): void {
    this.partition([node], others.filter((other) => other !== node));
  }

  healAll(): void {
    this.cut.clear();
  }

  get cutLinkCount(): number {
    return this.cut.size;
  }

  describe(): string {
    return [...this.cut].sort().join(' ');
  }
}
