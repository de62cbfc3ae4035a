#!/usr/bin/env python3
"""Writes the conformance cases (cases/*.json). The cases are data; this script only spares hand-typing JSON.
Each case names the Flink test whose behaviour it ports; expected outputs follow Flink's semantics."""
import json, os

INF = "Infinity"  # GlobalWindow results carry +inf (Flink: Long.MAX_VALUE)
KEY = "(v) => v[0]"
SUM = {"code": "(a, b) => [a[0], a[1] + b[1]]"}
AGG_SUM = {"code": "({ createAccumulator: () => ({ k: null, n: 0 }), add: (v, acc) => ({ k: v[0], n: acc.n + v[1] }), getResult: (acc) => [acc.k, acc.n], merge: (a, b) => ({ k: a.k ?? b.k, n: a.n + b.n }) })"}
PROC = {"code": "({ process(key, ctx, els, out) { out.collect([key, ctx.window.start, ctx.window.end, els.length]); } })"}
PROC_SUM = {"code": "({ process(key, ctx, els, out) { out.collect([key, els.reduce((n, e) => n + e[1], 0)]); } })"}

def E(k, n, ts=None):
    d = {"element": [k, n]}
    if ts is not None: d["ts"] = ts
    return d
def R(v, ts): return {"value": v, "ts": ts}
def W(w, ch=None):
    d = {"watermark": w}
    if ch is not None: d["channel"] = ch
    return d
def PT(t): return {"processingTime": t}
def X(*out): return {"expect": list(out)}
SR = {"snapshotRestore": True}

def tumbling(size, time="event", offset=0): return {"kind": "tumbling", "time": time, "size": size, "offset": offset}
def sliding(size, slide, time="event", offset=0): return {"kind": "sliding", "time": time, "size": size, "slide": slide, "offset": offset}
def session(gap, time="event"): return {"kind": "session", "time": time, "gap": gap}
GLOBAL = {"kind": "global"}

def win(name, ports, assigner, fn, steps, key=KEY, **extra):
    config = {"assigner": assigner, "function": fn}
    for k in ("trigger", "evictor", "allowedLateness", "lateDataOutputTag"):
        if k in extra: config[k] = extra.pop(k)
    c = {"name": name, "ports": ports, "operator": "window", "config": config, "steps": steps}
    if key: c["key"] = key
    c.update(extra)
    return c

reduce_ = {"kind": "reduce", "reduce": SUM}
aggregate_ = {"kind": "aggregate", "aggregate": AGG_SUM}
process_ = {"kind": "process", "process": PROC}

cases = {}

# ---------------------------------------------------------------- tumbling
flink_tumbling_input = [E("key2", 1, 3999), E("key2", 1, 3000), E("key1", 1, 20), E("key1", 1, 0), E("key1", 1, 999), E("key2", 1, 1998), E("key2", 1, 1999), E("key2", 1, 1000)]
def tumbling_script(mid_restore):
    return flink_tumbling_input + [W(999), X(W(999)), W(1999), X(W(1999)), W(2999), X(R(["key1", 3], 2999), R(["key2", 3], 2999), W(2999))] + ([SR] if mid_restore else []) + [W(3999), X(W(3999)), W(4999), X(W(4999)), W(5999), X(R(["key2", 2], 5999), W(5999))]
cases["tumbling"] = [
    win("tumbling-event-time-reduce", "WindowOperatorTest#testTumblingEventTimeWindowsReduce", tumbling(3000), reduce_, tumbling_script(True)),
    win("tumbling-event-time-aggregate", "WindowOperatorTest#testTumblingEventTimeWindowsAggregate", tumbling(3000), aggregate_, tumbling_script(True)),
    win("tumbling-event-time-reduce-no-restore", "WindowOperatorTest#testTumblingEventTimeWindowsReduce", tumbling(3000), reduce_, tumbling_script(False)),
    win("tumbling-event-time-process", "WindowOperatorTest#testTumblingEventTimeWindowsApply", tumbling(3000), process_,
        flink_tumbling_input + [W(2999), X(R(["key1", 0, 3000, 3], 2999), R(["key2", 0, 3000, 3], 2999), W(2999)), W(5999), X(R(["key2", 3000, 6000, 2], 5999), W(5999))]),
    win("tumbling-with-offset", "TumblingEventTimeWindowsTest#testWindowAssignmentWithOffset", tumbling(3000, offset=1000), process_,
        [E("k", 1, 500), E("k", 1, 1000), W(999), X(R(["k", -2000, 1000, 1], 999), W(999)), W(3999), X(R(["k", 1000, 4000, 1], 3999), W(3999))]),
    win("tumbling-negative-timestamps", "TumblingEventTimeWindowsTest#testWindowAssignmentWithNegativeTimestamps", tumbling(1000), process_,
        [W(-5000), X(W(-5000)), E("k", 1, -1500), E("k", 1, -1), W(-1001), X(R(["k", -2000, -1000, 1], -1001), W(-1001)), W(0), X(R(["k", -1000, 0, 1], -1), W(0))]),
    win("tumbling-window-end-is-exclusive", "TimeWindow [start, end): maxTimestamp = end - 1", tumbling(1000), process_,
        [E("k", 1, 999), E("k", 1, 1000), W(999), X(R(["k", 0, 1000, 1], 999), W(999)), W(1999), X(R(["k", 1000, 2000, 1], 1999), W(1999))]),
    win("tumbling-processing-time", "WindowOperatorTest#testProcessingTimeTumblingWindows", tumbling(3000, "processing"), reduce_,
        [PT(3), E("key2", 1), E("key2", 1), PT(3000), X(R(["key2", 2], 2999)), E("key1", 1), E("key2", 1), PT(7000), X(R(["key1", 1], 5999), R(["key2", 1], 5999))]),
    win("tumbling-empty-window-emits-nothing", "WindowOperatorTest: only non-empty windows fire", tumbling(1000), reduce_,
        [E("k", 1, 100), W(5000), X(R(["k", 1], 999), W(5000)), W(9000), X(W(9000))]),
    win("tumbling-keys-are-separate", "WindowOperatorTest: window state is per key", tumbling(1000), reduce_,
        [E("a", 1, 10), E("b", 5, 20), E("a", 2, 30), E("c", 7, 40), W(999), X(R(["a", 3], 999), R(["b", 5], 999), R(["c", 7], 999), W(999))]),
    win("tumbling-all-due-windows-fire-before-the-watermark", "WindowOperator: timers fire before the watermark is forwarded", tumbling(1000), reduce_,
        [E("k", 1, 100), E("k", 1, 1100), E("k", 1, 2100), W(2999), X(R(["k", 1], 999), R(["k", 1], 1999), R(["k", 1], 2999), W(2999))]),
    win("window-all-without-key", "AllWindowedStream: windowAll over every element", tumbling(1000), reduce_,
        [E("a", 1, 10), E("b", 2, 20), W(999), X(R(["a", 3], 999), W(999))], key=None),
    win("event-time-window-ignores-processing-time", "WindowOperator: event-time windows fire on watermarks only", tumbling(1000), reduce_,
        [E("k", 1, 10), PT(1000000), X(), W(999), X(R(["k", 1], 999), W(999))]),
    win("processing-time-window-ignores-watermarks", "WindowOperator: processing-time windows fire on the clock only", tumbling(1000, "processing"), reduce_,
        [PT(10), E("k", 1, 5), W(1000000), X(W(1000000)), PT(1000), X(R(["k", 1], 999))]),
    {**win("event-time-window-needs-timestamps", "WindowOperatorTest: records without timestamp are refused by event-time assigners", tumbling(1000), reduce_,
        [{"expectError": "no timestamp", "element": ["k", 1]}])},
    win("reduce-with-process-window-function", "WindowOperatorTest#testReduceWithProcessWindowFunction", tumbling(2000),
        {"kind": "reduce", "reduce": SUM, "process": {"code": "({ process(key, ctx, [sum], out) { out.collect({ key, sum: sum[1], end: ctx.window.end }); } })"}},
        [E("k", 2, 100), E("k", 3, 1500), W(1999), X(R({"key": "k", "sum": 5, "end": 2000}, 1999), W(1999))]),
    win("aggregate-with-process-window-function", "WindowOperatorTest#testAggregateWithProcessWindowFunction", tumbling(2000),
        {"kind": "aggregate", "aggregate": AGG_SUM, "process": {"code": "({ process(key, ctx, [r], out) { out.collect([key, r[1] * 10]); } })"}},
        [E("k", 2, 100), E("k", 3, 1500), W(1999), X(R(["k", 50], 1999), W(1999))]),
    win("restore-processing-time-timers", "WindowOperatorTest#testProcessingTimeTumblingWindows (with restore)", tumbling(1000, "processing"), reduce_,
        [PT(100), E("k", 1), SR, E("k", 1), PT(1000), X(R(["k", 2], 999))]),
]

# ---------------------------------------------------------------- sliding
cases["sliding"] = [
    win("sliding-event-time-reduce", "WindowOperatorTest#testSlidingEventTimeWindowsReduce", sliding(3000, 1000), reduce_,
        flink_tumbling_input + [W(999), X(R(["key1", 3], 999), W(999)), W(1999), X(R(["key1", 3], 1999), R(["key2", 3], 1999), W(1999)),
         W(2999), X(R(["key1", 3], 2999), R(["key2", 3], 2999), W(2999)), SR, W(3999), X(R(["key2", 5], 3999), W(3999)),
         W(4999), X(R(["key2", 2], 4999), W(4999)), W(5999), X(R(["key2", 2], 5999), W(5999)), W(6999), X(W(6999))]),
    win("sliding-event-time-aggregate", "WindowOperatorTest#testSlidingEventTimeWindowsAggregate", sliding(3000, 1000), aggregate_,
        flink_tumbling_input + [W(2999), X(R(["key1", 3], 999), R(["key1", 3], 1999), R(["key2", 3], 1999), R(["key1", 3], 2999), R(["key2", 3], 2999), W(2999))]),
    win("sliding-element-in-size-over-slide-windows", "SlidingEventTimeWindowsTest#testWindowAssignment", sliding(3000, 1000), process_,
        [E("k", 1, 2500), W(10000), X(R(["k", 0, 3000, 1], 2999), R(["k", 1000, 4000, 1], 3999), R(["k", 2000, 5000, 1], 4999), W(10000))]),
    win("sliding-with-offset", "SlidingEventTimeWindowsTest#testWindowAssignmentWithOffset", sliding(2000, 1000, offset=500), process_,
        [E("k", 1, 1200), W(3000), X(R(["k", -500, 1500, 1], 1499), R(["k", 500, 2500, 1], 2499), W(3000))]),
    win("sliding-processing-time", "WindowOperatorTest#testProcessingTimeSlidingWindows", sliding(2000, 1000, "processing"), reduce_,
        [PT(1500), E("k", 1), PT(2000), X(R(["k", 1], 1999)), E("k", 1), PT(3000), X(R(["k", 2], 2999)), PT(4000), X(R(["k", 1], 3999))]),
    win("sliding-partly-late-element-is-not-dropped", "WindowOperator#isSkippedElement: an element late for some windows only", sliding(3000, 1000), process_,
        [W(3500), X(W(3500)), E("k", 1, 2500), W(5000), X(R(["k", 1000, 4000, 1], 3999), R(["k", 2000, 5000, 1], 4999), W(5000))], expectLateDropped=0),
    win("sliding-fully-late-element-goes-to-side-output", "WindowOperatorTest#testSideOutputDueToLatenessSliding", sliding(3000, 1000), reduce_,
        [W(6000), X(W(6000)), E("k", 1, 2500), X()], lateDataOutputTag="late", expectSide={"late": [R(["k", 1], 2500)]}, expectLateDropped=0),
]

# ---------------------------------------------------------------- session
cases["session"] = [
    win("session-event-time-merge", "EventTimeSessionWindowsTest#testMergeConsecutiveWindows / WindowOperatorTest#testSessionWindows", session(3000), process_,
        [E("key2", 1, 0), E("key2", 1, 1000), E("key2", 1, 2500), E("key1", 1, 10), E("key1", 1, 1000), W(3999), X(R(["key1", 10, 4000, 2], 3999), W(3999)),
         W(5499), X(R(["key2", 0, 5500, 3], 5499), W(5499))]),
    win("session-windows-touching-merge", "TimeWindow#intersects: windows that touch merge (Flink)", session(1000), process_,
        [E("k", 1, 0), E("k", 1, 1000), W(1999), X(R(["k", 0, 2000, 2], 1999), W(1999))]),
    win("session-windows-apart-do-not-merge", "EventTimeSessionWindowsTest#testMergeCoveringWindow (negative)", session(1000), process_,
        [E("k", 1, 0), E("k", 1, 1001), W(2000), X(R(["k", 0, 1000, 1], 999), R(["k", 1001, 2001, 1], 2000), W(2000))]),
    win("session-out-of-order-elements", "WindowOperatorTest#testSessionWindowsWithCountTrigger (order)", session(1000), process_,
        [E("k", 1, 3000), E("k", 1, 1500), E("k", 1, 2200), W(3999), X(R(["k", 1500, 4000, 3], 3999), W(3999))]),
    win("session-late-element-merges-two-sessions", "WindowOperatorTest#testLateMergingSessionWindows", session(1000), process_,
        [E("k", 1, 0), E("k", 1, 1600), W(1500), X(R(["k", 0, 1000, 1], 999), W(1500)), E("k", 1, 800), X(), W(2599), X(R(["k", 0, 2600, 3], 2599), W(2599))],
        allowedLateness=5000),
    win("session-dynamic-gap", "DynamicEventTimeSessionWindowsTest#testMergeConsecutiveWindows", {"kind": "dynamicSession", "time": "event", "gapExtractor": {"code": "(v) => v[1]"}}, process_,
        [E("k", 500, 0), E("k", 2000, 400), W(2399), X(R(["k", 0, 2400, 2], 2399), W(2399))]),
    win("session-processing-time", "WindowOperatorTest#testProcessingTimeSessionWindows", session(1000, "processing"), process_,
        [PT(0), E("k", 1), PT(500), E("k", 1), PT(1498), X(), PT(1499), X(R(["k", 0, 1500, 2], 1499))]),
    win("session-reduce-merges-state", "WindowOperatorTest#testReduceSessionWindows", session(3000), reduce_,
        [E("k", 1, 0), E("k", 2, 2000), W(4999), X(R(["k", 3], 4999), W(4999))]),
    win("session-aggregate-merges-accumulators", "WindowOperatorTest#testSessionWindowsAggregate (AggregateFunction.merge)", session(3000), aggregate_,
        [E("k", 1, 0), E("k", 2, 2000), E("k", 4, 9000), W(4999), X(R(["k", 3], 4999), W(4999)), W(11999), X(R(["k", 4], 11999), W(11999))]),
    win("session-late-window-dropped", "WindowOperatorTest#testDropDueToLatenessSessionZeroLateness", session(1000), process_,
        [W(5000), X(W(5000)), E("k", 1, 100), X()], expectLateDropped=1),
    win("session-late-window-to-side-output", "WindowOperatorTest#testSideOutputDueToLatenessSessionZeroLateness", session(1000), process_,
        [W(5000), X(W(5000)), E("k", 1, 100), X()], lateDataOutputTag="late", expectSide={"late": [R(["k", 1], 100)]}, expectLateDropped=0),
    win("session-restore-midway", "WindowOperatorTest#testSessionWindows (snapshot and restore)", session(1000), process_,
        [E("k", 1, 0), SR, E("k", 1, 500), W(1499), X(R(["k", 0, 1500, 2], 1499), W(1499))]),
    win("session-count-trigger-merges-counts", "WindowOperatorTest#testSessionWindowsWithCountTrigger", session(3000), process_,
        [E("k", 1, 0), E("k", 1, 1000), E("k", 1, 2500), X(R(["k", 0, 5500, 3], 5499))], trigger={"kind": "count", "maxCount": 3}),
]

# ---------------------------------------------------------------- triggers
cases["triggers"] = [
    win("count-trigger-purging-global-windows", "WindowOperatorTest#testCountTrigger (PurgingTrigger.of(CountTrigger.of(n)))", GLOBAL, reduce_,
        [E("key1", 1, 1), E("key1", 1, 2), X(), E("key1", 1, 3), X(R(["key1", 3], INF)), E("key1", 1, 4), E("key2", 1, 5), E("key2", 1, 6), E("key2", 1, 7),
         X(R(["key2", 3], INF)), SR, E("key1", 1, 8), E("key1", 1, 9), X(R(["key1", 3], INF))], trigger={"kind": "purging", "nested": {"kind": "count", "maxCount": 3}}),
    win("count-trigger-keeps-contents", "CountTriggerTest#testWindowSeparationAndFiring (FIRE without purge)", GLOBAL, reduce_,
        [E("k", 1, 1), E("k", 1, 2), X(R(["k", 2], INF)), E("k", 1, 3), X(), E("k", 1, 4), X(R(["k", 4], INF))], trigger={"kind": "count", "maxCount": 2}),
    win("count-trigger-state-survives-restore", "CountTriggerTest (state in a checkpoint)", GLOBAL, reduce_,
        [E("k", 1, 1), E("k", 1, 2), SR, E("k", 1, 3), X(R(["k", 3], INF))], trigger={"kind": "count", "maxCount": 3}),
    win("count-trigger-on-tumbling-windows", "CountTriggerTest: counts are per window", tumbling(1000), reduce_,
        [E("k", 1, 100), E("k", 1, 1100), X(), E("k", 1, 200), X(R(["k", 2], 999))], trigger={"kind": "count", "maxCount": 2}),
    win("global-window-default-trigger-never-fires", "GlobalWindows#getDefaultTrigger (NeverTrigger)", GLOBAL, reduce_,
        [E("k", 1, 1), W(1000000), PT(1000000), X(W(1000000))]),
    win("purging-event-time-trigger-late-firing", "PurgingTriggerTest: FIRE becomes FIRE_AND_PURGE", tumbling(1000), reduce_,
        [E("k", 1, 100), W(999), X(R(["k", 1], 999), W(999)), E("k", 1, 200), X(R(["k", 1], 999))], trigger={"kind": "purging", "nested": {"kind": "eventTime"}}, allowedLateness=1000),
    win("event-time-trigger-late-firing-accumulates", "EventTimeTriggerTest#testLateElementTriggersImmediately", tumbling(1000), reduce_,
        [E("k", 1, 100), W(999), X(R(["k", 1], 999), W(999)), E("k", 1, 200), X(R(["k", 2], 999))], allowedLateness=1000),
    win("continuous-event-time-trigger", "ContinuousEventTimeTriggerTest#testTriggerHandlesAllOnTimerCalls", tumbling(10000), reduce_,
        [E("k", 1, 500), E("k", 1, 1500), W(1999), X(W(1999)), W(2000), X(R(["k", 2], 9999), W(2000)), E("k", 1, 3000), W(4000), X(R(["k", 3], 9999), W(4000)),
         W(9999), X(R(["k", 3], 9999), R(["k", 3], 9999), R(["k", 3], 9999), W(9999))], trigger={"kind": "continuousEventTime", "interval": 2000}),
    win("continuous-processing-time-trigger", "ContinuousProcessingTimeTriggerTest#testProcessingTimeWindowFiring", tumbling(10000, "processing"), reduce_,
        [PT(100), E("k", 1), PT(999), X(), PT(1000), X(R(["k", 1], 9999)), E("k", 1), PT(2500), X(R(["k", 2], 9999)), PT(10000),
         X(*[R(["k", 2], 9999)] * 8)], trigger={"kind": "continuousProcessingTime", "interval": 1000}),
    win("processing-time-trigger-on-event-time-windows", "ProcessingTimeTriggerTest: a trigger decides, not the assigner", tumbling(1000), reduce_,
        [PT(0), E("k", 1, 100), PT(999), X(R(["k", 1], 999)), W(5000), X(W(5000))], trigger={"kind": "processingTime"}),
    win("event-time-cleanup-clears-processing-time-trigger", "WindowOperator#onEventTime: cleanup at maxTimestamp + lateness clears trigger state too", tumbling(1000), reduce_,
        [PT(0), E("k", 1, 100), W(5000), X(W(5000)), PT(999), X()], trigger={"kind": "processingTime"}),
]

# ---------------------------------------------------------------- evictors
cases["evictors"] = [
    win("count-evictor-before", "EvictingWindowOperatorTest#testCountTrigger (CountEvictor before)", GLOBAL, reduce_,
        [E("k", 1, 1), E("k", 1, 2), E("k", 1, 3), X(R(["k", 2], INF)), E("k", 1, 4), E("k", 1, 5), E("k", 1, 6), X(R(["k", 2], INF))],
        trigger={"kind": "count", "maxCount": 3}, evictor={"kind": "count", "maxCount": 2}),
    win("count-evictor-after", "EvictingWindowOperatorTest#testCountEvictorEvictAfter", GLOBAL, reduce_,
        [E("k", 1, 1), E("k", 1, 2), E("k", 1, 3), X(R(["k", 3], INF)), E("k", 1, 4), E("k", 1, 5), E("k", 1, 6), X(R(["k", 5], INF))],
        trigger={"kind": "count", "maxCount": 3}, evictor={"kind": "count", "maxCount": 2, "doEvictAfter": True}),
    win("time-evictor", "EvictingWindowOperatorTest#testTimeEvictorEvictBefore", tumbling(10000), reduce_,
        [E("k", 1, 100), E("k", 1, 500), E("k", 1, 1200), E("k", 1, 1900), W(9999), X(R(["k", 2], 9999), W(9999))], evictor={"kind": "time", "windowSize": 1000}),
    win("time-evictor-after", "EvictingWindowOperatorTest#testTimeEvictorEvictAfter", GLOBAL, reduce_,
        [E("k", 1, 100), E("k", 1, 1500), X(R(["k", 2], INF)), E("k", 1, 2000), X(), E("k", 1, 2100), X(R(["k", 3], INF))],
        trigger={"kind": "count", "maxCount": 2}, evictor={"kind": "time", "windowSize": 1000, "doEvictAfter": True}),
    win("delta-evictor", "EvictingWindowOperatorTest#testDeltaEvictorEvictBefore", GLOBAL, reduce_,
        [E("k", 1, 1), E("k", 10, 2), E("k", 8, 3), X(R(["k", 18], INF))], trigger={"kind": "count", "maxCount": 3},
        evictor={"kind": "delta", "threshold": 5, "deltaFunction": {"code": "(a, b) => Math.abs(a[1] - b[1])"}}),
    win("evictor-with-process-function", "EvictingWindowOperatorTest#testCountEvictorEvictBefore (ProcessWindowFunction)", tumbling(1000),
        {"kind": "process", "process": PROC_SUM}, [E("k", 1, 1), E("k", 2, 2), E("k", 4, 3), W(999), X(R(["k", 4], 999), W(999))], evictor={"kind": "count", "maxCount": 1}),
    win("evictor-with-aggregate", "EvictingWindowOperator: an evictor disables pre-aggregation (aggregate over the kept elements)", tumbling(1000), aggregate_,
        [E("k", 1, 1), E("k", 2, 2), E("k", 4, 3), W(999), X(R(["k", 6], 999), W(999))], evictor={"kind": "count", "maxCount": 2}),
    win("evictor-state-survives-restore", "EvictingWindowOperatorTest (snapshot and restore)", GLOBAL, reduce_,
        [E("k", 1, 1), E("k", 1, 2), SR, E("k", 1, 3), X(R(["k", 2], INF))], trigger={"kind": "count", "maxCount": 3}, evictor={"kind": "count", "maxCount": 2}),
]

# ---------------------------------------------------------------- allowed lateness
cases["lateness"] = [
    win("late-element-dropped-and-counted", "WindowOperatorTest#testDropDueToLatenessTumbling", tumbling(2000), reduce_,
        [E("k", 1, 1000), W(1999), X(R(["k", 1], 1999), W(1999)), E("k", 1, 1500), X()], expectLateDropped=1),
    win("late-element-to-side-output", "WindowOperatorTest#testSideOutputDueToLatenessTumbling", tumbling(2000), reduce_,
        [E("k", 1, 1000), W(1999), X(R(["k", 1], 1999), W(1999)), E("k", 1, 1500), X()], lateDataOutputTag="late", expectSide={"late": [R(["k", 1], 1500)]}, expectLateDropped=0),
    win("allowed-lateness-late-firing-then-cleanup", "WindowOperatorTest#testLateness (late firing, cleanup at maxTimestamp + lateness)", tumbling(2000), reduce_,
        [E("k", 1, 1000), W(1999), X(R(["k", 1], 1999), W(1999)), E("k", 1, 1500), X(R(["k", 2], 1999)), W(2498), X(W(2498)), E("k", 1, 1600), X(R(["k", 3], 1999)),
         W(2499), X(W(2499)), E("k", 1, 1800), X()], allowedLateness=500, expectLateDropped=1),
    win("element-late-exactly-at-boundary", "WindowOperator#isElementLate: ts + lateness <= watermark; isWindowLate: maxTimestamp + lateness <= watermark", tumbling(1000), reduce_,
        [W(1999), X(W(1999)), E("k", 1, 999), X(), E("k", 1, 1000), X(R(["k", 1], 1999))], allowedLateness=1000, expectLateDropped=1),
    win("element-late-but-window-not-late-is-processed", "WindowOperator#processElement: only skipped elements count as late", tumbling(1000), reduce_,
        [W(1500), X(W(1500)), E("k", 1, 500), X(R(["k", 1], 999))], allowedLateness=1000, expectLateDropped=0),
    win("cleanup-removes-window-state", "WindowOperatorTest#testCleanupTimerWithEmptyReduceStateForTumblingWindows", tumbling(1000), reduce_,
        [E("k", 1, 100), W(999), X(R(["k", 1], 999), W(999)), W(1999), X(W(1999)), E("k", 1, 150), X(), W(5000), X(W(5000))], allowedLateness=1000, expectLateDropped=1),
    win("lateness-with-restore", "WindowOperatorTest#testLateness (snapshot and restore)", tumbling(2000), reduce_,
        [E("k", 1, 1000), W(1999), X(R(["k", 1], 1999), W(1999)), SR, E("k", 1, 1500), X(R(["k", 2], 1999))], allowedLateness=500),
    win("late-side-output-after-restore", "WindowOperatorTest#testSideOutputDueToLatenessTumbling (restored)", tumbling(2000), reduce_,
        [E("k", 1, 1000), W(1999), SR, X(R(["k", 1], 1999), W(1999)), E("k", 1, 1500), X()], lateDataOutputTag="late", expectSide={"late": [R(["k", 1], 1500)]}),
]

# ---------------------------------------------------------------- watermarks (assignTimestampsAndWatermarks)
def wm_case(name, ports, strategy, steps, interval=200):
    return {"name": name, "ports": ports, "operator": "assignTimestampsAndWatermarks", "config": {"watermarkStrategy": strategy},
            "graphConfig": {"autoWatermarkInterval": interval}, "steps": steps}
BOOO = {"kind": "boundedOutOfOrderness", "maxOutOfOrderness": 1000, "timestampAssigner": {"code": "(e) => e.t"}}
def T(t): return {"element": {"t": t}}
def RT(t): return R({"t": t}, t)
cases["watermarks"] = [
    wm_case("bounded-out-of-orderness-emits-max-minus-delay-minus-1", "BoundedOutOfOrdernessWatermarksTest#testWatermarkBeforeRecords/testWatermarkAfterEvent", BOOO,
        [T(5000), T(3000), PT(200), X(RT(5000), RT(3000), W(3999)), T(10000), PT(400), X(RT(10000), W(8999))]),
    wm_case("no-watermark-before-the-first-event", "BoundedOutOfOrdernessWatermarksTest#testWatermarkBeforeRecords", BOOO, [PT(200), PT(400), X()]),
    wm_case("watermark-never-goes-backwards", "BoundedOutOfOrdernessWatermarksTest#testWatermarkAfterNonMonotonousEvents", BOOO,
        [T(5000), PT(200), X(RT(5000), W(3999)), T(2000), PT(400), X(RT(2000))]),
    wm_case("monotonous-timestamps", "AscendingTimestampsWatermarks: maxTimestamp - 1", {"kind": "boundedOutOfOrderness", "maxOutOfOrderness": 0, "timestampAssigner": {"code": "(e) => e.t"}},
        [T(100), PT(200), X(RT(100), W(99))]),
    wm_case("periodic-emission-interval-is-configurable", "ExecutionConfig#setAutoWatermarkInterval", BOOO,
        [T(5000), PT(200), PT(999), X(RT(5000)), PT(1000), X(W(3999))], interval=1000),
    wm_case("no-watermarks-strategy-emits-none", "WatermarkStrategy#noWatermarks", {"kind": "noWatermarks", "timestampAssigner": {"code": "(e) => e.t"}},
        [T(5000), PT(1000), X(RT(5000))]),
    wm_case("upstream-watermarks-are-replaced", "TimestampsAndWatermarksOperator: upstream watermarks dropped (except the final one)", BOOO,
        [W(100000), X(), T(5000), PT(200), X(RT(5000), W(3999))]),
    wm_case("timestamp-assigner-sets-record-timestamps", "TimestampAssigner#extractTimestamp", BOOO, [T(42), X(RT(42))]),
]

# ---------------------------------------------------------------- watermarks across inputs (an operator's watermark is the minimum of its inputs)
def multi(name, ports, steps):
    return {"name": name, "ports": ports, "operator": "union", "config": {}, "channels": 2, "steps": steps}
cases["multi-input-watermarks"] = [
    multi("watermark-is-min-over-inputs", "StatusWatermarkValve#inputWatermark (min over channels)",
        [W(1000, 0), X(), W(500, 1), X(W(500)), W(2000, 1), X(W(1000)), W(3000, 0), X(W(2000))]),
    multi("idle-input-leaves-the-minimum", "StatusWatermarkValve#inputWatermarkStatus (idle channels excluded)",
        [W(1000, 0), X(), {"idle": True, "channel": 1}, X(W(1000)), W(2000, 0), X(W(2000)), W(1500, 1), X(), W(2500, 1), X(), W(3000, 0), X(W(2500))]),
    multi("watermark-never-goes-back-across-inputs", "StatusWatermarkValve: output watermark is monotonous",
        [W(1000, 0), W(1000, 1), X(W(1000)), W(500, 0), X(), W(1200, 0), X(), W(1100, 1), X(W(1100))]),
    multi("records-pass-between-watermarks", "Union: records of both inputs pass unchanged",
        [{"element": "a", "ts": 1}, {"element": "b", "ts": 2, "input": 0}, W(10, 0), W(5, 1), X(R("a", 1), R("b", 2), W(5))]),
]

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "cases")
os.makedirs(out, exist_ok=True)
total = 0
for name, cs in cases.items():
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(cs, f, indent=1)
        f.write("\n")
    total += len(cs)
print(total, "cases")
