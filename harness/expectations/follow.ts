import type { JournalEntry } from '../../server/journal/types.ts';
import { isApi, isInvalidToken, isToken, type JudgeInput, type UnitRecord } from './judge-input.ts';

/**
 * Following the client request by request, instead of counting: which API calls belong to which
 * unit of work, which token requests a unit made, and what the client was told about a token.
 */

/** One unit of work and the API calls it made, in order. */
export interface Trail {
  unit: UnitRecord;
  calls: JournalEntry[];
}

/** Clock readings around a unit are taken by the runner; a request journaled at the same millisecond still belongs to it. */
const EDGE_S = 0.002;

/**
 * The API calls of each unit: by the `unit` tag the runner put in the path it handed over; when
 * the client dropped the tag, by when the unit was with the client (exact for units handed one at
 * a time); for a journal without units (the vitest matchers), by method and path: a call is a
 * replay of the one before when that one was refused with invalid_token.
 */
export function trailsOf(input: JudgeInput): Trail[] {
  const calls = input.entries.filter(isApi);
  if (input.units.length > 0 && (calls.some((call) => call.unit !== undefined) || input.units.every(hasWindow))) {
    // A call without its tag (a client that dropped the query) goes by when it was made.
    const unitOf = (call: JournalEntry) => (call.unit !== undefined ? input.units.find((unit) => unit.id === call.unit) : ownerOf(call, input.units));
    return input.units.map((unit) => ({ unit, calls: calls.filter((call) => unitOf(call) === unit) }));
  }
  return inferTrails(calls);
}

/** A journal judged without the runner: each API call starts a unit, but a replay (see trailsOf). */
export function inferTrails(calls: JournalEntry[]): Trail[] {
  const trails: Trail[] = [];
  for (const call of calls) {
    const current = trails.at(-1);
    const previous = current?.calls.at(-1);
    const replay = previous !== undefined && isInvalidToken(previous) && previous.method === call.method && previous.path === call.path;
    if (replay && current) current.calls.push(call);
    else trails.push({ unit: { id: trails.length + 1, ok: true, elapsedMs: 0 }, calls: [call] });
  }
  return trails;
}

export function hasWindow(unit: UnitRecord): unit is UnitRecord & { handedAt: number; reportedAt: number } {
  return unit.handedAt !== undefined && unit.reportedAt !== undefined;
}

/**
 * The unit a request was made for: the one handed over last before the request arrived and
 * journaled before it (time alone cannot tell: fake time may stand still between two units).
 * Requests between units (a background refresh, a retry after the unit reported) go to the unit
 * before them.
 */
export function ownerOf(entry: JournalEntry, units: readonly UnitRecord[]): UnitRecord | undefined {
  let owner: UnitRecord | undefined;
  for (const unit of units) {
    if (!hasWindow(unit)) continue;
    const handedBefore = unit.handedAt <= entry.time + EDGE_S && (unit.handedSeq === undefined || unit.handedSeq < entry.seq);
    if (handedBefore && (owner === undefined || unit.handedAt > (owner.handedAt as number) || (unit.handedAt === owner.handedAt && (unit.handedSeq ?? 0) > (owner.handedSeq ?? 0)))) owner = unit;
  }
  return owner;
}

/** Units handed over together (one concurrent step, or one unit), with the token requests they made. */
export interface Batch {
  units: UnitRecord[];
  /** Token requests the batch's units made, retries after they reported included. */
  tokenRequests: JournalEntry[];
}

/**
 * The units grouped as they were handed over (a concurrent step is one batch, a sequential unit
 * its own), each batch with the token requests its units made; undefined when the units have no
 * time windows (a journal judged without the runner).
 */
export function batchesOf(input: JudgeInput): Batch[] | undefined {
  if (input.units.length === 0 || !input.units.every(hasWindow)) return undefined;
  const batches = new Map<number | string, Batch>();
  for (const unit of input.units) {
    const key = unit.batch ?? `unit ${unit.id}`;
    const batch = batches.get(key) ?? { units: [], tokenRequests: [] };
    batch.units.push(unit);
    batches.set(key, batch);
  }
  const all = [...batches.values()];
  const byUnit = new Map(all.flatMap((batch) => batch.units.map((unit) => [unit, batch] as const)));
  for (const request of input.entries.filter(isToken)) {
    const owner = ownerOf(request, input.units);
    (owner ? byUnit.get(owner) : all[0])?.tokenRequests.push(request);
  }
  return all;
}

/** Token requests made for `unit` and journaled after `entry` (none given: all of them). */
export function tokenRequestsOf(unit: UnitRecord, input: JudgeInput, entry?: JournalEntry): JournalEntry[] {
  return input.entries.filter((e) => isToken(e) && (entry === undefined || e.seq > entry.seq) && ownerOf(e, input.units) === unit);
}

/** What a token response told the client: when it was sent and how long the token lives. */
export interface ToldLifetime {
  /** The issuing journal entry. */
  entry: JournalEntry;
  /** Sent at, on the client's clock (epoch seconds). */
  sentAt: number;
  /** expires_in as a number of seconds; undefined when the response had none (or none readable). */
  expiresIn?: number;
  /** sentAt + expiresIn; undefined without expires_in. */
  expiresAt?: number;
}

/** An entry's instant (its `time`, or `endTime` with `end`) on the client's clock (see JudgeInput.clientTime). */
export type ClientClock = (entry: JournalEntry, end?: 'end') => number;

const identity = (virtual: number) => virtual;

/** The client clock of a judgement, for journal entries. */
export function clientClock(input: JudgeInput): ClientClock {
  const convert = input.clientTime ?? identity;
  return (entry, end) => convert(end ? (entry.endTime ?? entry.time) : entry.time, entry.seq);
}

/** A virtual instant that belongs to journal position `seq`, on the client's clock. */
export function clientInstant(input: JudgeInput, virtual: number, seq: number): number {
  return (input.clientTime ?? identity)(virtual, seq);
}

/** A unit's handover and report on the client's clock. */
export function unitClock(input: JudgeInput, unit: UnitRecord): { handedAt: number; reportedAt: number } | undefined {
  if (!hasWindow(unit)) return undefined;
  const seq = (unit.handedSeq ?? 0) + 0.5;
  return { handedAt: clientInstant(input, unit.handedAt, seq), reportedAt: clientInstant(input, unit.reportedAt, seq) };
}

/** The first refusal (invalid_token) of each token by the API, checkpoints' earlier segments included. */
export function firstRefusals(input: JudgeInput): Map<string, JournalEntry> {
  const refusals = new Map<string, JournalEntry>();
  for (const entry of everything(input)) {
    const jti = entry.presented?.jti;
    if (jti && isInvalidToken(entry) && !refusals.has(jti)) refusals.set(jti, entry);
  }
  return refusals;
}

/** Was `entry` sent after `earlier` was answered: later on the client's clock, or made for a unit handed over once `earlier` was journaled? */
export function sentAfter(input: JudgeInput, entry: JournalEntry, earlier: JournalEntry): boolean {
  if (entry.seq <= earlier.seq) return false;
  const at = clientClock(input);
  if (at(entry) > at(earlier, 'end')) return true;
  // Fake time may stand still between the two: the unit's handover tells the order then.
  const unit = entry.unit !== undefined ? input.units.find((u) => u.id === entry.unit) : ownerOf(entry, input.units);
  return unit?.handedSeq !== undefined && unit.handedSeq >= earlier.seq;
}

/** The entries the client knew of when the segment ended: the ones before it, then its own. */
export function everything(input: JudgeInput): JournalEntry[] {
  return input.before ? [...input.before, ...input.entries] : input.entries;
}

/**
 * Every token the client was handed, by jti, with what it was told, issuance by issuance (a
 * server that reissues a cached token tells a shorter lifetime each time), checkpoints'
 * earlier segments included. A response that never reached the client whole (reset, cut
 * short) told it nothing.
 */
export function toldLifetimes(input: JudgeInput): Map<string, ToldLifetime[]> {
  const at = clientClock(input);
  const told = new Map<string, ToldLifetime[]>();
  for (const entry of everything(input)) {
    if (!isToken(entry) || !entry.issued || entry.transport !== undefined) continue;
    const raw = entry.issued.expiresIn;
    const expiresIn = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : undefined;
    const sentAt = at(entry, 'end');
    const lifetime: ToldLifetime = { entry, sentAt, expiresIn, expiresAt: expiresIn === undefined ? undefined : sentAt + expiresIn };
    const list = told.get(entry.issued.jti) ?? [];
    list.push(lifetime);
    told.set(entry.issued.jti, list);
  }
  return told;
}

/** What the client had been told about `jti` by the time of `entry` (the latest issuance before it). */
export function toldBefore(told: Map<string, ToldLifetime[]>, jti: string | undefined, entry: JournalEntry): ToldLifetime | undefined {
  if (jti === undefined) return undefined;
  return told.get(jti)?.findLast((lifetime) => lifetime.entry.seq < entry.seq);
}
