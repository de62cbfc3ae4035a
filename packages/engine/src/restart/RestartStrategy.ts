import { z } from 'zod';

export { RestartStrategyConfig, type RestartStrategy } from '@flowbook/protocol/graph';
import { RestartStrategyConfig, type RestartStrategy } from '@flowbook/protocol/graph';

/** Flink's RestartStrategies factory, so `env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 1000))` reads the same. */
export const RestartStrategies = {
  noRestart: (): RestartStrategyConfig => ({ type: 'none' }),
  fixedDelayRestart: (restartAttempts: number, delayMs: number): RestartStrategyConfig => ({ type: 'fixed-delay', attempts: restartAttempts, delayMs }),
  exponentialDelayRestart: (
    initialBackoffMs = 1000,
    maxBackoffMs = 60_000,
    backoffMultiplier = 1.5,
    resetBackoffThresholdMs = 3_600_000,
    jitterFactor = 0.1,
  ): RestartStrategyConfig => ({ type: 'exponential-delay', initialBackoffMs, maxBackoffMs, backoffMultiplier, resetBackoffThresholdMs, jitterFactor }),
  failureRateRestart: (failureRate: number, failureIntervalMs: number, delayMs: number): RestartStrategyConfig => ({
    type: 'failure-rate',
    maxFailuresPerInterval: failureRate,
    failureRateIntervalMs: failureIntervalMs,
    delayMs,
  }),
};

/**
 * The strategy a job runs with: the configured one, else — as in Flink 1.19+ — exponential delay when checkpointing is
 * on (a job with checkpoints can resume where it was) and no restart when it is off.
 */
export function effectiveRestartStrategy(configured: RestartStrategyConfig | undefined, checkpointing: boolean): z.output<typeof RestartStrategyConfig> {
  return RestartStrategyConfig.parse(configured ?? (checkpointing ? { type: 'exponential-delay' } : { type: 'none' }));
}

export interface RestartDecision {
  restart: boolean;
  delayMs: number;
}

/** Decides, failure after failure, whether and when to restart (Flink's RestartBackoffTimeStrategy). */
export class RestartBackoff {
  private readonly config: z.output<typeof RestartStrategyConfig>;
  private restarts = 0;
  private readonly failureTimes: number[] = [];
  private currentBackoff: number;
  private lastFailureAt: number | undefined;

  constructor(
    config: RestartStrategyConfig,
    private readonly random: () => number = Math.random,
  ) {
    this.config = RestartStrategyConfig.parse(config);
    this.currentBackoff = this.config.type === 'exponential-delay' ? this.config.initialBackoffMs : 0;
  }

  /** Records a failure at `now` and says whether to restart, and after how long. */
  onFailure(now: number): RestartDecision {
    const c = this.config;
    switch (c.type) {
      case 'none':
        return { restart: false, delayMs: 0 };
      case 'fixed-delay':
        if (this.restarts >= c.attempts) return { restart: false, delayMs: 0 };
        this.restarts++;
        return { restart: true, delayMs: c.delayMs };
      case 'failure-rate': {
        this.failureTimes.push(now);
        while (this.failureTimes.length > 0 && this.failureTimes[0]! <= now - c.failureRateIntervalMs) this.failureTimes.shift();
        if (this.failureTimes.length > c.maxFailuresPerInterval) return { restart: false, delayMs: 0 };
        return { restart: true, delayMs: c.delayMs };
      }
      case 'exponential-delay': {
        // A long healthy run resets the backoff (and the attempt count) as in Flink.
        if (this.lastFailureAt !== undefined && now - this.lastFailureAt >= c.resetBackoffThresholdMs) {
          this.currentBackoff = c.initialBackoffMs;
          this.restarts = 0;
        } else if (this.lastFailureAt !== undefined) {
          this.currentBackoff = Math.min(this.currentBackoff * c.backoffMultiplier, c.maxBackoffMs);
        }
        this.lastFailureAt = now;
        if (c.attempts !== undefined && this.restarts >= c.attempts) return { restart: false, delayMs: 0 };
        this.restarts++;
        const jitter = this.currentBackoff * c.jitterFactor * (this.random() * 2 - 1);
        return { restart: true, delayMs: Math.max(0, Math.round(this.currentBackoff + jitter)) };
      }
    }
  }
}
