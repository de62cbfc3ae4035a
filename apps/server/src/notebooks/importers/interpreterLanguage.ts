import type { CodeLanguage } from '@flowbook/protocol';

/**
 * The language of a Zeppelin interpreter (`%flink`, `%spark.pyspark`, `%flink.ssql`, …) or a Jupyter kernel, for the
 * imported cell; 'markdown' for `%md`.
 */
export function interpreterLanguage(interpreter: string): CodeLanguage | 'markdown' {
  const i = interpreter.toLowerCase();
  const last = i.split('.').pop()!;
  if (i === 'md' || last === 'md' || last === 'markdown') return 'markdown';
  if (/(^|\.)(i?py(spark|flink)?|python3?|ipython)$/.test(i) || i === 'jupyter') return 'python';
  if (/(^|\.)(ssql|bsql|sql|jdbc|hive|psql|mysql|postgresql|bigquery)$/.test(i)) return 'sql';
  if (/(^|\.)(i?r|sparkr)$/.test(i)) return 'r';
  if (/^(sh|shell|bash)$/.test(i) || last === 'sh') return 'sh';
  if (/^(html|angular)$/.test(i)) return 'html';
  if (/^(flink|spark|scala|flink\.scala|spark\.spark|spark\.scala)$/.test(i)) return 'scala';
  if (i === 'java') return 'java';
  if (/^(typescript|ts|javascript|js|deno)$/.test(i)) return 'typescript';
  return 'other';
}
