/** Watermarks are plain numbers (ms). These mirror Flink's Long.MIN_VALUE / Long.MAX_VALUE watermarks. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;
/** The final watermark a bounded source emits at end of input, so every event-time window fires. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
/** Marker for a record that carries no timestamp (Flink's StreamRecord without timestamp). */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;
