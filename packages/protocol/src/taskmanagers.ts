import { z } from 'zod';

/** One TaskManager process as `GET /api/v1/taskmanagers` and the TaskManagers page show it (Flink's /taskmanagers). */
export const TaskManagerInfo = z
  .object({
    id: z.string(),
    pid: z.number().int(),
    /** Slots (worker threads for jobs) it offers, how many its jobs take, how many are left. */
    slots: z.number().int(),
    slotsUsed: z.number().int(),
    slotsFree: z.number().int(),
    /** More slots taken than offered: every TaskManager was full and no more could be started. */
    oversubscribed: z.boolean(),
    /** --max-old-space-size of the process, its resident memory (all slots) and its main thread's heap. */
    memoryLimitBytes: z.number(),
    rssBytes: z.number(),
    heapUsedBytes: z.number(),
    /** CPU of all its threads over the last second, in % of one core (up to 100 × cores). */
    cpuPercent: z.number(),
    uptimeMs: z.number(),
    lastHeartbeatAt: z.number(),
    jobs: z.array(z.object({ jobId: z.string(), slots: z.number().int(), workerHeapLimitMb: z.number() })),
  })
  .meta({ id: 'TaskManagerInfo' });
export type TaskManagerInfo = z.infer<typeof TaskManagerInfo>;

export const TaskManagerList = z.object({ taskManagers: z.array(TaskManagerInfo) }).meta({ id: 'TaskManagerList' });
export type TaskManagerList = z.infer<typeof TaskManagerList>;
