// Lowe's memoization: a configuration of the search is the set of operations linearized so far
// plus the model state they leave. Reaching one a second time can find nothing new, so the
// search prunes it. Sets are kept in one pooled word array and indexed by an open-addressed
// table, because the number of configurations is what bounds the checker's memory.
import { mix32 } from './mix32.js';

const initialCapacity = 1024;

export class LinearizationCache {
  private readonly wordsPerSet: number;
  private count = 0;
  private setWords: Uint32Array;
  private states: Int32Array;
  private hashes: Uint32Array;
  /** Entry index + 1 per slot; 0 marks an empty slot. */
  private slots: Int32Array;

  constructor(wordsPerSet: number) {
    this.wordsPerSet = wordsPerSet;
    this.setWords = new Uint32Array(initialCapacity * wordsPerSet);
    this.states = new Int32Array(initialCapacity);
    this.hashes = new Uint32Array(initialCapacity);
    this.slots = new Int32Array(initialCapacity * 2);
  }

  /** Memory held for the configurations recorded so far (growth may briefly hold twice as much). */
  get bytes(): number {
    // Per entry: its set, state and hash, and two table slots; all 4-byte words.
    return this.count * (this.wordsPerSet + 4) * 4;
  }

  /** Records (`set`, `state`); false if it was recorded before. `setHash` must be a function of `set` alone. */
  add(set: Uint32Array, setHash: number, state: number): boolean {
    const hash = (setHash ^ mix32(state + 0x9e3779b9)) >>> 0;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot] ?? 0; entry !== 0; entry = this.slots[slot] ?? 0) {
      if (this.hashes[entry - 1] === hash && this.matches(entry - 1, set, state)) return false;
      slot = (slot + 1) & mask;
    }
    if (this.count === this.states.length) {
      this.grow();
      return this.add(set, setHash, state);
    }
    const entry = this.count++;
    this.setWords.set(set, entry * this.wordsPerSet);
    this.states[entry] = state;
    this.hashes[entry] = hash;
    this.slots[slot] = entry + 1;
    return true;
  }

  private matches(entry: number, set: Uint32Array, state: number): boolean {
    if (this.states[entry] !== state) return false;
    const offset = entry * this.wordsPerSet;
    for (let word = 0; word < this.wordsPerSet; word++) {
      if (this.setWords[offset + word] !== set[word]) return false;
    }
    return true;
  }

  private grow(): void {
    const capacity = this.states.length * 2;
    const setWords = new Uint32Array(capacity * this.wordsPerSet);
    setWords.set(this.setWords);
    this.setWords = setWords;
    const states = new Int32Array(capacity);
    states.set(this.states);
    this.states = states;
    const hashes = new Uint32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    // Twice as many slots as entries keeps probe chains short.
    this.slots = new Int32Array(capacity * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = (this.hashes[entry] ?? 0) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}
