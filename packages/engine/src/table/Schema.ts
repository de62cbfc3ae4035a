/** A table schema for fromDataStream / createTemporaryView (Flink's org.apache.flink.table.api.Schema). */
export interface SchemaColumn {
  name: string;
  type: string;
  /** columnByMetadata: 'rowtime' reads the stream record's timestamp. */
  metadata?: string;
  /** columnByExpression: a SQL expression over the other columns. */
  expression?: string;
}

export class Schema {
  constructor(
    readonly columns: SchemaColumn[],
    readonly watermark?: { column: string; expression: string },
  ) {}
  static newBuilder(): SchemaBuilder {
    return new SchemaBuilder();
  }
}

export class SchemaBuilder {
  private readonly columns: SchemaColumn[] = [];
  private wm: { column: string; expression: string } | undefined;
  column(name: string, type: string): this {
    this.columns.push({ name, type: type.toUpperCase() });
    return this;
  }
  /** Only the 'rowtime' metadata key exists on a DataStream: the record's timestamp. */
  columnByMetadata(name: string, type: string, key = 'rowtime'): this {
    this.columns.push({ name, type: type.toUpperCase(), metadata: key });
    return this;
  }
  columnByExpression(name: string, expression: string): this {
    this.columns.push({ name, type: '', expression });
    return this;
  }
  /** `SOURCE_WATERMARK()` keeps the stream's own watermarks; `ts - INTERVAL '5' SECOND` generates new ones. */
  watermark(column: string, expression: string): this {
    this.wm = { column, expression };
    return this;
  }
  build(): Schema {
    return new Schema([...this.columns], this.wm);
  }
}
