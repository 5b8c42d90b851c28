/**
 * Wait-queue heads and task states, the machine's side: a wait_queue_head's WORD counts the
 * agents queued on it and the words after it list them (prepare_to_wait adds the caller once,
 * finish_wait and an autoremoving wake-up take it off), an exclusive waiter's entry with
 * WQ_FLAG_EXCLUSIVE; each agent's task_state object holds
 * the state set_current_state() wrote. The kernel API (src/kernel/wait.ts) reaches these words
 * only through here.
 */
import { Op } from './events.ts';
import { O } from './object-words.ts';
import type { CpuRuntime } from './runtime.ts';

/** Object id of agent a's task state. */
export function taskStateId(rt: CpuRuntime, agent: number): number {
  return rt.L.objectsByKey.get('task_state')![agent]!.id;
}

/** The state agent a's task set (0: TASK_RUNNING). */
export function taskState(rt: CpuRuntime, agent: number): number {
  return Atomics.load(rt.m, rt.L.objects[taskStateId(rt, agent)]!.offset + O.WORD);
}

/** set_current_state(): the caller's own state word, as an event that writes it. */
export function setTaskState(rt: CpuRuntime, state: number, fn: number): void {
  const id = taskStateId(rt, rt.agent);
  const old = Atomics.exchange(rt.m, rt.L.objects[id]!.offset + O.WORD, state);
  rt.emit(Op.MARK, id, state, old, fn);
}

/** An exclusive waiter's entry (prepare_to_wait_exclusive): a wake_up() wakes one of them. */
export const WQ_FLAG_EXCLUSIVE = 1 << 16;
const AGENT_MASK = WQ_FLAG_EXCLUSIVE - 1;

/** Queue the caller on wait queue `wq` (once; an exclusive waiter stays exclusive). */
export function waitQueueAdd(rt: CpuRuntime, wq: number, exclusive = false): void {
  const m = rt.m;
  const at = rt.L.objects[wq]!.offset;
  const n = m[at + O.WORD]!;
  for (let i = 0; i < n; i++) if ((m[at + O.WORDS + i]! & AGENT_MASK) === rt.agent) return;
  m[at + O.WORDS + n] = rt.agent | (exclusive ? WQ_FLAG_EXCLUSIVE : 0);
  m[at + O.WORD] = n + 1;
}

/** Take agent a off wait queue `wq`, if it is queued there. */
export function waitQueueRemove(rt: CpuRuntime, wq: number, agent: number): void {
  const m = rt.m;
  const at = rt.L.objects[wq]!.offset;
  const n = m[at + O.WORD]!;
  const q = at + O.WORDS;
  const i = m.subarray(q, q + n).findIndex((e) => (e & AGENT_MASK) === agent);
  if (i < 0) return;
  m.copyWithin(q + i, q + i + 1, q + n);
  m[at + O.WORD] = n - 1;
}

/** The agents queued on `wq`, oldest first, and whether each waits exclusively. */
export function waitQueueEntries(rt: CpuRuntime, wq: number): { agent: number; exclusive: boolean }[] {
  const at = rt.L.objects[wq]!.offset;
  return Array.from(rt.m.subarray(at + O.WORDS, at + O.WORDS + rt.m[at + O.WORD]!), (e) => ({
    agent: e & AGENT_MASK,
    exclusive: (e & WQ_FLAG_EXCLUSIVE) !== 0,
  }));
}
