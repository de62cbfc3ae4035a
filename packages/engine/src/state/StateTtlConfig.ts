export type TtlUpdateType = 'OnCreateAndWrite' | 'OnReadAndWrite';
export type TtlStateVisibility = 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp';

/** Time-to-live for keyed state, in processing time (Flink's StateTtlConfig). */
export class StateTtlConfig {
  static readonly UpdateType = { OnCreateAndWrite: 'OnCreateAndWrite', OnReadAndWrite: 'OnReadAndWrite' } as const;
  static readonly StateVisibility = { NeverReturnExpired: 'NeverReturnExpired', ReturnExpiredIfNotCleanedUp: 'ReturnExpiredIfNotCleanedUp' } as const;

  constructor(
    readonly ttl: number,
    readonly updateType: TtlUpdateType = 'OnCreateAndWrite',
    readonly stateVisibility: TtlStateVisibility = 'NeverReturnExpired',
  ) {
    if (!(ttl > 0)) throw new Error('StateTtlConfig: ttl must be > 0 ms');
  }

  static newBuilder(ttl: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }
}

export class StateTtlConfigBuilder {
  private updateType: TtlUpdateType = 'OnCreateAndWrite';
  private visibility: TtlStateVisibility = 'NeverReturnExpired';
  constructor(private readonly ttl: number) {}
  setUpdateType(t: TtlUpdateType): this {
    this.updateType = t;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType('OnCreateAndWrite');
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType('OnReadAndWrite');
  }
  setStateVisibility(v: TtlStateVisibility): this {
    this.visibility = v;
    return this;
  }
  neverReturnExpired(): this {
    return this.setStateVisibility('NeverReturnExpired');
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility('ReturnExpiredIfNotCleanedUp');
  }
  build(): StateTtlConfig {
    return new StateTtlConfig(this.ttl, this.updateType, this.visibility);
  }
}
