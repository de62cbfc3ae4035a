// The child process of the crash test: runs the job with checkpoints into a PostgreSQL table, exactly-once, resuming
// from the latest complete checkpoint when there is one. The test kills it with SIGKILL at random moments.
import { StreamExecutionEnvironment, CheckpointCoordinator, FsCheckpointStorage, PostgresSink, type Job } from '../../index.js';
import { crashPipeline } from './pipeline.js';

const [checkpointDir, table, url, count, rate] = process.argv.slice(2) as [string, string, string, string, string];
const storage = new FsCheckpointStorage(checkpointDir, 3, () => {});
const restoreFrom = await storage.latest();
let nextId = (restoreFrom?.checkpointId ?? 0) + 1;

StreamExecutionEnvironment.setContextHost({
  jobOptions: () => (restoreFrom ? { restoreFrom } : {}),
  onJobSubmitted(job: Job) {
    const c = new CheckpointCoordinator(job, storage, { intervalMs: 100 }, nextId);
    c.start();
    const trigger = c.trigger.bind(c);
    c.trigger = async () => {
      const s = await trigger();
      if (s?.status === 'completed') nextId = s.id + 1;
      return s;
    };
  },
  latestCheckpoint: () => storage.latest(),
});
const env = new StreamExecutionEnvironment().enableCheckpointing(100);
crashPipeline(env, { count: Number(count), ratePerSecond: Number(rate) }, new PostgresSink({ url, table }));
process.stdout.write(`started ${restoreFrom ? `from checkpoint ${restoreFrom.checkpointId}` : 'fresh'}\n`);
await env.execute('crash test');
process.stdout.write('finished\n');
process.exit(0);
