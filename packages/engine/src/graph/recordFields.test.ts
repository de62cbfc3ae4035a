import { describe, expect, it } from 'vitest';
import { IotSensors, MqttSource, TumblingEventTimeWindows, PostgresSink, StreamExecutionEnvironment, WatermarkStrategy, type IotReading } from '../index.js';
import { validateGraph } from './validate.js';

describe('record fields along the graph', () => {
  it('names a sink field that the records reaching it do not have, through filter and keyBy', () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromSource(new IotSensors({ count: 10 }), WatermarkStrategy.noWatermarks<IotReading>(), 'sensors')
      .filter((r) => typeof r.temperature === 'number')
      .sinkTo(new PostgresSink({ url: 'postgresql://x', table: 'readings', mode: 'upsert', keyColumns: ['sensorID'], columns: ['sensorId', 'temperature'] }));
    const issues = validateGraph(env.getPipeline());
    expect(issues).toEqual([
      { nodeId: 'sink-3', message: 'config.keyColumns: the records reaching this sink have no field "sensorID" (they have: sensorId, site, temperature, humidity, timestamp)' },
    ]);
  });

  it('knows nothing after a user function that makes new records, or when the source emits bare values', () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromSource(new IotSensors({ count: 10 }), WatermarkStrategy.noWatermarks<IotReading>(), 'sensors')
      .map((r) => ({ id: r.sensorId }))
      .sinkTo(new PostgresSink({ url: 'postgresql://x', table: 't', columns: ['id'] }));
    env
      .fromSource(new MqttSource({ topics: ['a/#'], payloadOnly: true }), WatermarkStrategy.noWatermarks(), 'mqtt')
      .sinkTo(new PostgresSink({ url: 'postgresql://x', table: 't', columns: ['anything'] }));
    expect(validateGraph(env.getPipeline())).toEqual([]);
  });

  it('keeps the fields through a window reduce, and a valid reference passes', () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromSource(new IotSensors({ count: 10 }), WatermarkStrategy.forBoundedOutOfOrderness<IotReading>(1000), 'sensors')
      .keyBy((r) => r.sensorId)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a) => a)
      .sinkTo(new PostgresSink({ url: 'postgresql://x', table: 't', columns: ['sensorId', 'humidity'] }));
    expect(validateGraph(env.getPipeline())).toEqual([]);
  });
});
