import type { ConnectorSpec } from '../../connectors/registry.js';
import { Nexmark } from '../../connectors/generator/nexmark/nexmark.js';
import type { NexmarkEvent } from '../../connectors/generator/nexmark/model.js';
import { StreamExecutionEnvironment } from '../../api/StreamExecutionEnvironment.js';
import { TumblingEventTimeWindows } from '../../windows/assigners/TumblingWindows.js';
import type { TimeWindow } from '../../windows/Window.js';
import { WatermarkStrategy } from '../../time/WatermarkStrategy.js';

export interface WindowTotal {
  window_end: number;
  channel: number;
  bids: number;
  total: number;
}

/**
 * The job of the crash test: Nexmark bids with event time (out of order within the watermark bound) → keyBy a channel
 * → 1 s tumbling event-time windows → count and sum of prices per window → the sink. Deterministic for a seed.
 */
export function crashPipeline(env: StreamExecutionEnvironment, opts: { count: number; ratePerSecond: number }, sink: ConnectorSpec): void {
  env
    .fromSource(
      new Nexmark({ seed: 11, count: opts.count, ratePerSecond: opts.ratePerSecond, eventsPerSecond: 5000, outOfOrdernessMs: 300 }),
      WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(300).withTimestampAssigner((e) => e.t),
      'nexmark',
    )
    .filter((e) => e.bid !== undefined)
    .keyBy((e) => e.bid!.auction % 8)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate<{ bids: number; total: number }, { bids: number; total: number }, WindowTotal>(
      {
        createAccumulator: () => ({ bids: 0, total: 0 }),
        add: (e, a) => ({ bids: a.bids + 1, total: a.total + e.bid!.price }),
        getResult: (a) => a,
        merge: (a, b) => ({ bids: a.bids + b.bids, total: a.total + b.total }),
      },
      {
        process(channel, ctx, [r], out) {
          out.collect({ window_end: (ctx.window as TimeWindow).end, channel: channel as number, bids: r!.bids, total: r!.total });
        },
      },
    )
    .sinkTo(sink);
}
