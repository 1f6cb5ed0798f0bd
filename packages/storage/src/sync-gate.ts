// When the syncs of an in-memory volume land. Open (the default), a sync lands as it is asked
// for. Held (the simulator), a sync waits until its owner lands it, which lets the owner model
// a disk whose fsyncs lag, and lose the ones still in flight in a crash. Either way syncs land
// in the order they were asked for, so a later sync never lands before an earlier one.

interface HeldSync {
  /** Makes what the sync covers durable. */
  readonly land: () => void;
  /** Answers the writer that asked for the sync. */
  readonly acknowledge: () => void;
}

export class SyncGate {
  #holding = false;
  #held: HeldSync[] = [];
  #onHeld: (() => void) | undefined;
  #heldSignal: Promise<void> | undefined;

  get holding(): boolean {
    return this.#holding;
  }

  /** Opening with syncs held would land them behind their owner's back: land or drop them first. */
  set holding(holding: boolean) {
    if (!holding && this.#held.length > 0) throw new Error(`cannot open a sync gate with ${this.#held.length} syncs held`);
    this.#holding = holding;
  }

  /** Syncs asked for and not landed yet. */
  get heldCount(): number {
    return this.#held.length;
  }

  /** Called by the volume's files: `land` makes the caller's writes durable. Resolves once landed. */
  request(land: () => void): Promise<void> {
    if (!this.#holding) {
      land();
      return Promise.resolve();
    }
    return new Promise((acknowledge) => {
      this.#held.push({ land, acknowledge });
      const onHeld = this.#onHeld;
      this.#onHeld = undefined;
      this.#heldSignal = undefined;
      onHeld?.();
    });
  }

  /** Resolves when a sync is held (at once if one is): the writer is blocked on its disk. */
  whenHeld(): Promise<void> {
    if (this.#held.length > 0) return Promise.resolve();
    this.#heldSignal ??= new Promise((resolve) => {
      this.#onHeld = resolve;
    });
    return this.#heldSignal;
  }

  /** Lands every held sync in the order they were asked for, and answers their writers. */
  landAll(): void {
    const held = this.#held;
    this.#held = [];
    for (const sync of held) sync.land();
    for (const sync of held) sync.acknowledge();
  }

  /**
   * Power loss: each held sync either reached the disk before the power went or not, as
   * `landed` decides (both are legal: none was acknowledged). No writer is ever answered.
   */
  dropAll(landed: () => boolean): void {
    const held = this.#held;
    this.#held = [];
    for (const sync of held) if (landed()) sync.land();
  }
}
