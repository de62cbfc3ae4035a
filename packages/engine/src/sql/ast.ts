/** The SQL syntax tree the planner works on, built from dt-sql-parser's parse tree by toAst.ts. */

export interface Pos {
  line: number;
  column: number;
}

export type Expr =
  | { k: 'lit'; v: string | number | boolean | null; pos?: Pos }
  | { k: 'interval'; ms: number; pos?: Pos }
  | { k: 'col'; path: string[]; pos?: Pos }
  | { k: 'star'; qualifier?: string; pos?: Pos }
  | { k: 'call'; name: string; args: Expr[]; distinct?: boolean; star?: boolean; over?: Over; filter?: Expr; pos?: Pos }
  | { k: 'bin'; op: string; l: Expr; r: Expr; pos?: Pos }
  | { k: 'not'; e: Expr; pos?: Pos }
  | { k: 'neg'; e: Expr; pos?: Pos }
  | { k: 'case'; operand?: Expr; whens: [Expr, Expr][]; else?: Expr; pos?: Pos }
  | { k: 'cast'; e: Expr; type: string; pos?: Pos }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean; pos?: Pos }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean; pos?: Pos }
  | { k: 'like'; e: Expr; pattern: Expr; not: boolean; pos?: Pos }
  | { k: 'isnull'; e: Expr; not: boolean; pos?: Pos };

export interface Over {
  partitionBy: Expr[];
  orderBy: { e: Expr; desc: boolean }[];
  /** ROWS (a row count) or RANGE (ms) preceding the current row; absent: RANGE UNBOUNDED PRECEDING. */
  frame?: { rows: boolean; preceding: number | 'UNBOUNDED' };
  /** `OVER w`: a window of the WINDOW clause (resolved by toAst). */
  ref?: string;
}

export interface SelectItem {
  e: Expr;
  alias?: string;
}

export type From =
  | { k: 'table'; name: string; alias?: string; pos?: Pos }
  | { k: 'sub'; query: Query; alias?: string; pos?: Pos }
  | { k: 'tvf'; fn: 'TUMBLE' | 'HOP' | 'CUMULATE'; table: string; timeCol: string; intervals: number[]; alias?: string; pos?: Pos }
  | { k: 'join'; type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL'; left: From; right: From; on?: Expr; pos?: Pos }
  /**
   * `LATERAL TABLE(f(args))` (a user-defined table function) or `UNNEST(array)`, correlated with the FROM item on its
   * left (a join whose right side it is); `AS T(a, b)` names the table and its columns.
   */
  | { k: 'lateral'; call: Extract<Expr, { k: 'call' }>; unnest?: boolean; alias?: string; columns?: string[]; pos?: Pos };

export interface Query {
  k: 'select';
  items: SelectItem[];
  from?: From;
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  /** SELECT DISTINCT. */
  distinct?: boolean;
  /** `left UNION|INTERSECT|EXCEPT [ALL] right`: the query is the set operation (its own items and FROM are unused). */
  setOp?: { op?: 'UNION' | 'INTERSECT' | 'EXCEPT'; all: boolean; left: Query; right: Query };
  orderBy?: { e: Expr; desc: boolean; nullsFirst?: boolean }[];
  limit?: number;
  text: string;
  pos?: Pos;
}

export interface ColumnDef {
  name: string;
  /** Physical columns: the declared type; computed columns: the expression; metadata columns: the metadata key. */
  type?: string;
  computed?: Expr;
  metadata?: string;
}

export type Statement =
  | { k: 'createTable'; name: string; temporary: boolean; ifNotExists: boolean; columns: ColumnDef[]; watermark?: { column: string; e: Expr }; primaryKey?: string[]; options: Record<string, string>; text: string; pos: Pos }
  | { k: 'createView'; name: string; temporary: boolean; query: Query; text: string; pos: Pos }
  | { k: 'set'; key?: string; value?: string; text: string; pos: Pos }
  /** `CREATE [TEMPORARY] [SYSTEM] FUNCTION name AS 'module.export'`: a scalar function of the notebook's code. */
  | { k: 'createFunction'; name: string; identifier: string; ifNotExists: boolean; language?: string; text: string; pos: Pos }
  | { k: 'dropFunction'; name: string; ifExists: boolean; text: string; pos: Pos }
  | { k: 'insert'; table: string; query: Query; text: string; pos: Pos }
  | { k: 'query'; query: Query; text: string; pos: Pos }
  | { k: 'explain'; inner: Statement; text: string; pos: Pos };
