/*
 * Splits of a generator whose n-th record is a function of its seed and n (Nexmark, sales lines), as FLIP-27 sources
 * assign splits to subtasks: a lane is the ids ≡ rem (mod mod), from `next` on. Subtask s of p starts with the lane
 * (p, s, s), so all subtasks advance through the ids (and event time) together; a subtask's state is its lanes left.
 */

export interface Lane {
  mod: number;
  rem: number;
  next: number;
}

/** Checkpointed: the lanes left; `{ emitted }` is the single-subtask state of earlier versions (ids below it done). */
export type LanesState = { lanes: Lane[] } | { emitted: number };

/** The lanes of a state (copies). */
export function lanesOf(s: LanesState): Lane[] {
  return 'lanes' in s ? s.lanes.map((l) => ({ ...l })) : [{ mod: 1, rem: 0, next: s.emitted }];
}

/** Subtask s of p's lanes before it emitted anything. */
export function firstLanes(subtaskIndex: number, parallelism: number): Lane[] {
  return [{ mod: parallelism, rem: subtaskIndex, next: subtaskIndex }];
}

/** Splits lanes in two by residue until there are at least `n` (each id stays in exactly one lane). */
export function splitLanes(lanes: Lane[], n: number): Lane[] {
  const out = lanes.map((l) => ({ ...l }));
  while (out.length < n) {
    const l = out.shift()!;
    const mod = l.mod * 2;
    // The ids ≡ rem (mod m) are those ≡ rem and ≡ rem + m (mod 2m); each half resumes at its first id ≥ next.
    for (const rem of [l.rem, l.rem + l.mod]) out.push({ mod, rem, next: l.next + ((((rem - l.next) % mod) + mod) % mod) });
  }
  return out;
}

/**
 * A new subtask's lanes from the states of every old subtask (restored at another parallelism): an old subtask
 * without state had not started, so its whole first lane is left; the lanes are split until there are enough and
 * dealt out round robin, so each id is emitted once.
 */
export function unionLanes(states: unknown[], subtaskIndex: number, parallelism: number): Lane[] {
  const all = states.flatMap((st, j) => (st === undefined ? firstLanes(j, states.length) : lanesOf(st as LanesState)));
  return splitLanes(all, parallelism).filter((_, i) => i % parallelism === subtaskIndex);
}

/** The lane with the lowest next id (so a subtask's ids go out in order), or undefined when none is below `end`. */
export function nextLane(lanes: readonly Lane[], end: number): Lane | undefined {
  let lane = lanes[0];
  for (let i = 1; i < lanes.length; i++) if (lanes[i]!.next < lane!.next) lane = lanes[i];
  return lane === undefined || lane.next >= end ? undefined : lane;
}
