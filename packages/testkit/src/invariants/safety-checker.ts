import type { ConfState, Entry, HardState, Message, NodeId, Ready, ReadState, SnapshotMeta } from '@flotilla/raft';
import { confMembers, MessageType, NO_NODE, Role } from '@flotilla/raft';
import { confProblems, describeConf, isQuorum, transitionProblems } from './conf-rules.js';
import { DurableReplicas } from './durable-replicas.js';
import { entryDigest } from './entry-digest.js';
import { SafetyViolation } from './safety-violation.js';
import { ShadowLog } from './shadow-log.js';

interface CommittedEntry {
  readonly term: number;
  readonly digest: number;
  /** The lowest term in which some node was seen to hold it committed. */
  observedTerm: number;
}

/** What the checker tracks of one node since its last (re)start. */
interface NodeLife {
  log: ShadowLog;
  hardState: HardState;
  role: Role;
  applied: number;
  conf: ConfState | undefined;
  /**
   * The configurations in force since the last Ready: a leader may have decided a commit under
   * any of them (its advance counts its own write under the old one, then applies a change).
   */
  recentConfs: ConfState[];
}

/** What a node has said to others, which its durable state must never fall behind. */
interface Promises {
  /** The highest term of a message it sent that binds it (not a pre-vote, not a forwarded request). */
  maxTerm: number;
  /** Its latest vote granted: after a restart it may not vote otherwise in that term. */
  lastGrant: { readonly term: number; readonly to: NodeId } | undefined;
}

/** A follower's answers to its leader: each says the follower was still in the leader's term. */
const ANSWERS_TO_LEADER: ReadonlySet<MessageType> = new Set([MessageType.APP_RESP, MessageType.HEARTBEAT_RESP, MessageType.SNAP_RESP]);

/** Messages whose term is not the sender's own: a pre-vote asks and answers for a term not yet reached. */
const UNBINDING_TERM: ReadonlySet<MessageType> = new Set([MessageType.PRE_VOTE, MessageType.PRE_VOTE_RESP]);

/** A node as it comes up: from its durable state only. */
export interface NodeStart {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMeta | undefined;
  readonly entries: readonly Entry[];
  readonly applied: number;
  /** The state machine's hash as restored (flushed state or snapshot) at `applied`. */
  readonly stateHash: number;
  readonly conf: ConfState;
}

/**
 * Raft's safety properties, checked as the simulator feeds it what every node does: election
 * safety, one vote per term, log matching, leader completeness, state machine safety (applied
 * sequences agree), monotone commit, and membership changes that never allow two disjoint
 * majorities. Besides the end properties, the steps that make them hold, each checked when it
 * happens so that a bug shows even in a run where luck hides its consequence: a leader wins
 * only with votes of a quorum of each half of its configuration, commits only an entry of its
 * own term, and only once a quorum of each half holds it durably; a node never says more than
 * its durable state backs (its term, its vote); a leader answers a ReadIndex only once a quorum
 * confirmed it still leads after the read was asked, and the answer covers every entry known
 * committed then. Violations throw `SafetyViolation`.
 */
export class SafetyChecker {
  private readonly lives = new Map<NodeId, NodeLife>();
  /** `${index}/${term}` → the entry's digest and the term before it: log matching, incrementally. */
  private readonly entriesByIndexTerm = new Map<string, { digest: number; prevTerm: number }>();
  private readonly committed = new Map<number, CommittedEntry>();
  private readonly leaderOfTerm = new Map<number, NodeId>();
  private readonly voteOfTerm = new Map<string, NodeId>();
  /** index → the applied entry's term and the state hash after it. */
  private readonly appliedStates = new Map<number, { term: number; stateHash: number }>();
  private readonly confAtIndex = new Map<number, string>();
  /** Highest commit index each node ever made durable; survives crashes. */
  private readonly durableCommit = new Map<NodeId, number>();
  private readonly durable = new DurableReplicas();
  /** `${candidate}/${term}` → the nodes that sent it a vote. */
  private readonly votesFor = new Map<string, Set<NodeId>>();
  private readonly promises = new Map<NodeId, Promises>();
  /** The highest index any node reported committed. */
  private highestCommitted = 0;
  /** A read's context → when it was asked, and the highest committed index then: its answer may not be lower. */
  private readonly readsAsked = new Map<string, { readonly atEvent: number; readonly floor: number }>();
  /** `${leader}/${term}` → each node that answered that leader in its term, and when it last did. */
  private readonly answeredLeader = new Map<string, Map<NodeId, number>>();
  /** Counts the events the checker is told of, to order them. */
  private eventCount = 0;

  private fail(message: string): never {
    throw new SafetyViolation(message);
  }

  private life(node: NodeId): NodeLife {
    const life = this.lives.get(node);
    if (life === undefined) throw new Error(`checker: node ${node} is not running`);
    return life;
  }

  onStart(node: NodeId, start: NodeStart): void {
    const durable = this.durableCommit.get(node) ?? 0;
    if (start.hardState.commit < durable) {
      this.fail(`node ${node} restarted with commit ${start.hardState.commit} below its durable ${durable}`);
    }
    this.checkPromisesKept(node, start.hardState);
    const log = new ShadowLog();
    if (start.snapshot !== undefined) log.restore(start.snapshot.index, start.snapshot.term);
    this.appendToLog(node, log, start.entries);
    this.durable.started(node, start.hardState, start.snapshot, start.entries);
    this.noteCommitted(start.hardState.commit);
    // A node created to join has no configuration until its first snapshot brings one.
    const joining = confMembers(start.conf).length === 0;
    const conf = joining ? undefined : start.conf;
    this.lives.set(node, { log, hardState: start.hardState, role: Role.FOLLOWER, applied: start.applied, conf, recentConfs: conf === undefined ? [] : [conf] });
    if (!joining) this.checkConfShape(node, start.conf);
    if (start.applied > 0) this.recordAppliedState(node, start.applied, undefined, start.stateHash);
  }

  onStop(node: NodeId): void {
    this.lives.delete(node);
  }

  /** One Ready, in the order its parts take effect: snapshot, entries, hard state, role. Messages count when sent. */
  onReady(node: NodeId, ready: Ready): void {
    const life = this.life(node);
    if (ready.snapshot !== undefined) {
      this.checkSnapshotCommitted(node, ready.snapshot);
      life.log.restore(ready.snapshot.index, ready.snapshot.term);
    }
    this.appendToLog(node, life.log, ready.entries);
    const leaderOfTerm = life.role === Role.LEADER ? life.hardState.term : undefined;
    if (ready.hardState !== undefined) {
      // A leader that stayed leader in its term moved its commit itself, by counting replicas.
      const leaderCommit = leaderOfTerm === ready.hardState.term;
      if (leaderCommit && ready.hardState.commit > life.hardState.commit) this.checkLeaderCommit(node, life, ready.hardState);
      this.onHardState(node, life, ready.hardState);
    }
    if (ready.softState !== undefined) {
      life.role = ready.softState.role;
      if (ready.softState.role === Role.LEADER) this.onLeader(node, life);
    }
    for (const readState of ready.readStates) {
      this.checkReadState(node, readState);
      // A node that led its term throughout answered these itself (no other leader answers in its term).
      if (leaderOfTerm === life.hardState.term) this.checkReadConfirmed(node, leaderOfTerm, readState.context);
    }
    life.recentConfs = life.conf === undefined ? [] : [life.conf];
  }

  /** A sync made the hard state durable: a restart may never come back below its commit. */
  onDurableHardState(node: NodeId, hardState: HardState): void {
    const previous = this.durableCommit.get(node) ?? 0;
    if (hardState.commit < previous) {
      this.fail(`node ${node} persisted commit ${hardState.commit} below its earlier durable ${previous}`);
    }
    this.durableCommit.set(node, hardState.commit);
    this.durable.persistedHardState(node, hardState);
  }

  /** A synced write of a Ready's entries landed: the node may now acknowledge them, a leader count itself. */
  onDurableEntries(node: NodeId, entries: readonly Entry[]): void {
    this.durable.persistedEntries(node, entries);
  }

  /**
   * A leader moved its commit index by counting replicas. The paper's rule (Figure 8): only an
   * entry of its own term is committed that way. And the count must be right: a quorum of each
   * half of a configuration it had in force holds the entry durably (joint consensus needs both).
   */
  private checkLeaderCommit(node: NodeId, life: NodeLife, next: HardState): void {
    const index = next.commit;
    const entry = life.log.entryAt(index);
    if (entry === undefined) return; // beyond its log: onHardState reports it
    if (entry.term !== next.term) {
      this.fail(`leader ${node} of term ${next.term} committed index ${index} of term ${entry.term}: only its own term's entries commit by counting`);
    }
    const voters = life.recentConfs.flatMap((conf) => [...conf.voters, ...conf.votersOutgoing]);
    const holders = new Set(voters.filter((voter) => this.durable.holds(voter, index, entry.term)));
    if (!life.recentConfs.some((conf) => isQuorum(conf, holders))) {
      this.fail(
        `leader ${node} of term ${next.term} committed index ${index} held durably only by [${[...holders].join(',')}], ` +
          `not a quorum of ${life.recentConfs.map(describeConf).join(' nor ')}`,
      );
    }
  }

  private appendToLog(node: NodeId, log: ShadowLog, entries: readonly Entry[]): void {
    const head = entries[0];
    if (head === undefined) return;
    const prevTerm = log.termAt(head.index - 1);
    if (prevTerm === undefined) this.fail(`node ${node} appended at ${head.index} without the entry before it`);
    this.checkLogMatching(`node ${node}`, head.index - 1, prevTerm, entries);
    const problem = log.append(entries, entryDigest);
    if (problem !== undefined) this.fail(`node ${node}: ${problem}`);
  }

  /**
   * Log matching, checked incrementally: an (index, term) names one entry, always preceded by
   * the same term. By induction over indexes, equal (index, term) then means equal prefixes.
   */
  private checkLogMatching(source: string, prevIndex: number, prevTerm: number, entries: readonly Entry[]): void {
    let expectedIndex = prevIndex + 1;
    let previousTerm = prevTerm;
    for (const entry of entries) {
      if (entry.index !== expectedIndex) this.fail(`${source}: entries not contiguous at ${entry.index}, expected ${expectedIndex}`);
      if (entry.term < previousTerm) this.fail(`${source}: term goes down at ${entry.index} (${entry.term} after ${previousTerm})`);
      const key = `${entry.index}/${entry.term}`;
      const digest = entryDigest(entry);
      const known = this.entriesByIndexTerm.get(key);
      if (known === undefined) {
        this.entriesByIndexTerm.set(key, { digest, prevTerm: previousTerm });
      } else if (known.digest !== digest || known.prevTerm !== previousTerm) {
        this.fail(
          `${source}: log matching broken at index ${entry.index} term ${entry.term}: ` +
            `content or preceding term (${previousTerm} vs ${known.prevTerm}) differs from another log`,
        );
      }
      expectedIndex++;
      previousTerm = entry.term;
    }
  }

  private onHardState(node: NodeId, life: NodeLife, next: HardState): void {
    const previous = life.hardState;
    this.noteCommitted(next.commit);
    if (next.term < previous.term) this.fail(`node ${node}: term went back from ${previous.term} to ${next.term}`);
    if (next.commit < previous.commit) this.fail(`node ${node}: commit went back from ${previous.commit} to ${next.commit}`);
    if (next.term === previous.term && previous.vote !== NO_NODE && next.vote !== previous.vote) {
      this.fail(`node ${node}: changed its vote in term ${next.term} from ${previous.vote} to ${next.vote}`);
    }
    for (let index = previous.commit + 1; index <= next.commit; index++) this.recordCommitted(node, life, index, next.term);
    life.hardState = next;
  }

  private recordCommitted(node: NodeId, life: NodeLife, index: number, observedTerm: number): void {
    if (index <= life.log.snapshotIndex) return; // covered by a snapshot, itself checked as committed
    const entry = life.log.entryAt(index);
    if (entry === undefined) this.fail(`node ${node}: commit index ${index} beyond its log (last ${life.log.lastIndex})`);
    const known = this.committed.get(index);
    if (known === undefined) {
      this.committed.set(index, { ...entry, observedTerm });
      this.checkCurrentLeadersHold(index, observedTerm);
    } else if (known.term !== entry.term || known.digest !== entry.digest) {
      this.fail(`node ${node}: committed a different entry at ${index} (term ${entry.term}, was term ${known.term})`);
    } else if (observedTerm < known.observedTerm) {
      known.observedTerm = observedTerm;
      this.checkCurrentLeadersHold(index, observedTerm);
    }
  }

  private onLeader(node: NodeId, life: NodeLife): void {
    const term = life.hardState.term;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node) this.fail(`two leaders in term ${term}: ${other} and ${node}`);
    this.leaderOfTerm.set(term, node);
    this.checkElected(node, life);
    for (const [index, entry] of this.committed) {
      if (entry.observedTerm < term) this.checkLeaderHolds(node, life, index, entry);
    }
  }

  /**
   * A new leader won a quorum of each half of its configuration: the votes sent to it in its
   * term (a vote received was sent; one sent may have been lost, so this can only under-fail)
   * and its own, recorded in its hard state.
   */
  private checkElected(node: NodeId, life: NodeLife): void {
    const term = life.hardState.term;
    const granted = new Set(this.votesFor.get(`${node}/${term}`));
    if (life.hardState.vote === node) granted.add(node);
    if (!life.recentConfs.some((conf) => isQuorum(conf, granted))) {
      this.fail(
        `node ${node} became leader of term ${term} with votes of [${[...granted].join(',')}] only, ` +
          `not a quorum of ${life.recentConfs.map(describeConf).join(' nor ')}`,
      );
    }
  }

  /** An entry newly known committed before the term of a sitting leader must be in that leader's log. */
  private checkCurrentLeadersHold(index: number, observedTerm: number): void {
    const entry = this.committed.get(index);
    if (entry === undefined) return;
    for (const [node, life] of this.lives) {
      if (life.role === Role.LEADER && observedTerm < life.hardState.term) this.checkLeaderHolds(node, life, index, entry);
    }
  }

  /** Leader completeness; an entry below the leader's snapshot is covered by log matching of that snapshot. */
  private checkLeaderHolds(node: NodeId, life: NodeLife, index: number, entry: CommittedEntry): void {
    if (index <= life.log.snapshotIndex) return;
    const held = life.log.entryAt(index);
    if (held === undefined || held.term !== entry.term || held.digest !== entry.digest) {
      this.fail(
        `leader completeness: leader ${node} of term ${life.hardState.term} lacks entry ${index} ` +
          `(term ${entry.term}) committed in term ${entry.observedTerm}`,
      );
    }
  }

  /**
   * A message actually leaving a node. A vote in `messages` that a crash kept from leaving was
   * never cast (its durable record was lost with it), so votes are counted here, not at ready().
   */
  onSend(message: Message): void {
    this.eventCount++;
    this.checkBackedByDurableState(message);
    if (ANSWERS_TO_LEADER.has(message.type)) {
      const key = `${message.to}/${message.term}`;
      const answered = this.answeredLeader.get(key);
      if (answered === undefined) this.answeredLeader.set(key, new Map([[message.from, this.eventCount]]));
      else answered.set(message.from, this.eventCount);
    }
    if (message.type === MessageType.READ_INDEX_RESP && message.context !== undefined) {
      this.checkReadConfirmed(message.from, message.term, message.context);
    }
    if (message.type === MessageType.VOTE_RESP && message.reject !== true) {
      const key = `${message.from}/${message.term}`;
      const earlier = this.voteOfTerm.get(key);
      if (earlier !== undefined && earlier !== message.to) {
        this.fail(`node ${message.from} granted two votes in term ${message.term}: ${earlier} and ${message.to}`);
      }
      this.voteOfTerm.set(key, message.to);
      const voters = this.votesFor.get(`${message.to}/${message.term}`);
      if (voters === undefined) this.votesFor.set(`${message.to}/${message.term}`, new Set([message.from]));
      else voters.add(message.from);
    }
    if (message.type === MessageType.APP && message.entries !== undefined && message.entries.length > 0) {
      this.checkLogMatching(`APP ${message.from}→${message.to}`, message.index ?? 0, message.logTerm ?? 0, message.entries);
    }
  }

  /**
   * A message leaving a node may promise only what its durable state backs: its term (else a
   * crash could bring it back in an older term, to vote or lead there again), and for a vote
   * granted, the vote itself (else it could vote twice in the term). Pre-votes bind nothing;
   * forwarded requests carry no term.
   */
  private checkBackedByDurableState(message: Message): void {
    if (message.term === 0 || UNBINDING_TERM.has(message.type)) return;
    const node = message.from;
    const durable = this.durable.hardState(node);
    if (durable === undefined || durable.term < message.term) {
      this.fail(`node ${node} sent ${describeType(message.type)} of term ${message.term} before term ${message.term} was durable (durable: ${durable?.term ?? 'none'})`);
    }
    const grant = message.type === MessageType.VOTE_RESP && message.reject !== true;
    if (grant && durable.term === message.term && durable.vote !== message.to) {
      this.fail(`node ${node} granted its vote in term ${message.term} to ${message.to} before the vote was durable (durable vote: ${durable.vote})`);
    }
    const promises = this.promises.get(node) ?? { maxTerm: 0, lastGrant: undefined };
    promises.maxTerm = Math.max(promises.maxTerm, message.term);
    if (grant && (promises.lastGrant === undefined || promises.lastGrant.term <= message.term)) promises.lastGrant = { term: message.term, to: message.to };
    this.promises.set(node, promises);
  }

  /** A restarted node's term and vote are never behind what it already sent. */
  private checkPromisesKept(node: NodeId, hardState: HardState): void {
    const promises = this.promises.get(node);
    if (promises === undefined) return;
    if (hardState.term < promises.maxTerm) {
      this.fail(`node ${node} restarted in term ${hardState.term} after sending messages of term ${promises.maxTerm}`);
    }
    const grant = promises.lastGrant;
    if (grant !== undefined && grant.term === hardState.term && hardState.vote !== grant.to) {
      this.fail(`node ${node} restarted in term ${hardState.term} with vote ${hardState.vote}, having granted it to ${grant.to}`);
    }
  }

  /** A snapshot holds committed state only: its last entry must agree with what was committed there. */
  private checkSnapshotCommitted(node: NodeId, meta: SnapshotMeta): void {
    const known = this.committed.get(meta.index);
    if (known !== undefined && known.term !== meta.term) {
      this.fail(`node ${node}: snapshot at ${meta.index} has term ${meta.term}, committed entry there has term ${known.term}`);
    }
  }

  /** State machine safety: every node applies the same entry at an index and reaches the same state. */
  onApplied(node: NodeId, entry: Entry, stateHash: number): void {
    const life = this.life(node);
    if (entry.index !== life.applied + 1) this.fail(`node ${node} applied ${entry.index} after ${life.applied}`);
    if (entry.index > life.hardState.commit) this.fail(`node ${node} applied ${entry.index} beyond its commit ${life.hardState.commit}`);
    const committed = this.committed.get(entry.index);
    if (committed !== undefined && (committed.term !== entry.term || committed.digest !== entryDigest(entry))) {
      this.fail(`node ${node} applied at ${entry.index} an entry of term ${entry.term}, committed was term ${committed.term}`);
    }
    this.recordAppliedState(node, entry.index, entry.term, stateHash);
    life.applied = entry.index;
  }

  /** The state machine jumped to a snapshot (received, or restored at restart). */
  onSnapshotApplied(node: NodeId, meta: SnapshotMeta, stateHash: number): void {
    const life = this.life(node);
    this.checkSnapshotCommitted(node, meta);
    this.noteCommitted(meta.index);
    this.durable.installedSnapshot(node, meta);
    this.recordAppliedState(node, meta.index, meta.term, stateHash);
    life.applied = meta.index;
    life.conf = meta.conf; // a jump, not a step: the next change is checked against this one
    life.recentConfs.push(meta.conf);
    this.checkConfShape(node, meta.conf);
    this.recordConfAt(node, meta.index, meta.conf);
  }

  /** A snapshot a node took of its own applied state. */
  onSnapshotTaken(node: NodeId, meta: SnapshotMeta, stateHash: number): void {
    this.checkSnapshotCommitted(node, meta);
    this.recordAppliedState(node, meta.index, meta.term, stateHash);
    this.recordConfAt(node, meta.index, meta.conf);
  }

  /** `term` is unknown for a state machine restored from a flush (its entry may be compacted). */
  private recordAppliedState(node: NodeId, index: number, term: number | undefined, stateHash: number): void {
    const known = this.appliedStates.get(index);
    if (known === undefined) {
      if (term === undefined) return; // the first applier of the index is the reference, with its term
      this.appliedStates.set(index, { term, stateHash });
    } else if ((term !== undefined && known.term !== term) || known.stateHash !== stateHash) {
      this.fail(`node ${node}: state after index ${index} differs from another node's (applied sequences diverge)`);
    }
  }

  /** A configuration entry at `index` took effect on `node`. */
  onConfApplied(node: NodeId, index: number, conf: ConfState): void {
    const life = this.life(node);
    if (life.conf !== undefined) {
      const problems = transitionProblems(life.conf, conf);
      if (problems.length > 0) {
        this.fail(`node ${node}: unsafe membership step at ${index} from ${describeConf(life.conf)} to ${describeConf(conf)}: ${problems.join('; ')}`);
      }
    } else {
      this.checkConfShape(node, conf);
    }
    life.conf = conf;
    life.recentConfs.push(conf);
    this.recordConfAt(node, index, conf);
  }

  /** Configurations at one index must be identical everywhere: the log decides membership. */
  private recordConfAt(node: NodeId, index: number, conf: ConfState): void {
    const text = describeConf(conf);
    const known = this.confAtIndex.get(index);
    if (known === undefined) this.confAtIndex.set(index, text);
    else if (known !== text) this.fail(`node ${node}: configuration at ${index} is ${text}, another node has ${known}`);
  }

  private checkConfShape(node: NodeId, conf: ConfState): void {
    const problems = confProblems(conf);
    if (problems.length > 0) this.fail(`node ${node}: malformed configuration ${describeConf(conf)}: ${problems.join('; ')}`);
  }

  onCompact(node: NodeId, index: number): void {
    this.life(node).log.compact(index);
  }

  /** A client asked `node` for a read point; `context` names the request. */
  onReadIndex(node: NodeId, context: Uint8Array): void {
    this.life(node);
    this.eventCount++;
    const key = contextKey(context);
    // A repeated request keeps its first record: an answer to the first asking may still arrive.
    if (!this.readsAsked.has(key)) this.readsAsked.set(key, { atEvent: this.eventCount, floor: this.highestCommitted });
  }

  /**
   * ReadIndex is linearizable because the leader confirms, after the read was asked, that it
   * still leads: a quorum of its configuration (itself included) answers it in its term. A
   * leader deposed meanwhile cannot get that quorum, so answering without it is the bug even
   * when no other leader happened to commit anything yet.
   */
  private checkReadConfirmed(leader: NodeId, term: number, context: Uint8Array): void {
    const asked = this.readsAsked.get(contextKey(context));
    if (asked === undefined) return;
    const confirmed = new Set<NodeId>([leader]);
    for (const [node, atEvent] of this.answeredLeader.get(`${leader}/${term}`) ?? []) if (atEvent > asked.atEvent) confirmed.add(node);
    const confs = this.life(leader).recentConfs;
    if (!confs.some((conf) => isQuorum(conf, confirmed))) {
      this.fail(
        `leader ${leader} of term ${term} answered a read without confirming its leadership: since the read was asked ` +
          `only [${[...confirmed].join(',')}] answered it, not a quorum of ${confs.map(describeConf).join(' nor ')}`,
      );
    }
  }

  /**
   * A ReadIndex answer is a point at which reading is linearizable: every entry committed
   * anywhere before the read was asked is at or below it. A leader that answers without
   * confirming it still leads (or before it knows its term's commit index) gives a lower one.
   */
  private checkReadState(node: NodeId, readState: ReadState): void {
    const floor = this.readsAsked.get(contextKey(readState.context))?.floor;
    if (floor !== undefined && readState.index < floor) {
      this.fail(`node ${node} got read index ${readState.index}, but ${floor} was committed before the read was asked (a stale leader answered?)`);
    }
  }

  private noteCommitted(index: number): void {
    if (index > this.highestCommitted) this.highestCommitted = index;
  }

  /** Election safety from the nodes' own reports, checked every step. */
  onStatus(node: NodeId, term: number, role: Role): void {
    if (role !== Role.LEADER) return;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node) this.fail(`two leaders in term ${term}: ${other} and ${node}`);
    this.leaderOfTerm.set(term, node);
  }

  /** The term at `index` in a running node's log (stable and unstable), for scenario assertions. */
  logTermAt(node: NodeId, index: number): number | undefined {
    return this.life(node).log.termAt(index);
  }

  /** The term of the entry known committed at `index`, if any node reported it. */
  committedTermAt(index: number): number | undefined {
    return this.committed.get(index)?.term;
  }

  /** How much the checker has seen, so a test can prove a run was not vacuous. */
  get coverage(): { committedEntries: number; leaderTerms: number; appliedIndexes: number; configurations: number } {
    return {
      committedEntries: this.committed.size,
      leaderTerms: this.leaderOfTerm.size,
      appliedIndexes: this.appliedStates.size,
      configurations: this.confAtIndex.size,
    };
  }
}

const MESSAGE_NAMES = new Map<MessageType, string>(Object.entries(MessageType).map(([name, type]) => [type, name]));
const describeType = (type: MessageType): string => MESSAGE_NAMES.get(type) ?? String(type);

/** Contexts are compared by content. */
const contextKey = (context: Uint8Array): string => Array.from(context, (byte) => byte.toString(16).padStart(2, '0')).join('');
