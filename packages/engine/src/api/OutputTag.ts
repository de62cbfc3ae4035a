/** Names a side output (Flink's OutputTag). The type parameter documents what flows there. */
export class OutputTag<T = unknown> {
  declare readonly _type?: T;
  constructor(readonly id: string) {
    if (!id) throw new Error('OutputTag needs a non-empty id');
  }
}
