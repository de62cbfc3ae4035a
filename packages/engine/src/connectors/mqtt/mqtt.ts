import type { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import { MqttConfig, type MqttSinkConfig, type MqttSourceConfig } from './config.js';
import { MqttSinkFunction } from './MqttSinkFunction.js';
import { MqttSourceFunction } from './MqttSourceFunction.js';

export { MqttConfig, MqttSinkConfig, MqttSourceConfig } from './config.js';
export { MqttSinkFunction } from './MqttSinkFunction.js';
export { MqttSourceFunction, type MqttMessage } from './MqttSourceFunction.js';

export const mqttConnector: ConnectorDefinition<MqttConfig> = {
  name: 'mqtt',
  recordTimestamps: true,
  outputFields: ['topic', 'payload', 'qos', 'retain', 'receivedAt'],
  outputFieldsUnless: 'payloadOnly',
  fieldRefs: ['payloadField'],
  description: 'MQTT broker: subscribe to topics (source) or publish records (sink)',
  configSchema: MqttConfig as z.ZodType<MqttConfig>,
  // The flat config has both roles' fields; each role function re-validates what it needs (e.g. topics for the source).
  createSource: (c) => new MqttSourceFunction(c as MqttSourceConfig),
  createSink: (c) => new MqttSinkFunction(c as MqttSinkConfig),
  bounded: () => false,
};

/** `env.fromSource<MqttMessage<Reading>>(new MqttSource({ topics: ['sensors/+/temp'] }), WatermarkStrategy.noWatermarks(), 'mqtt')` */
export class MqttSource implements ConnectorSpec<MqttSourceConfig> {
  readonly connector = 'mqtt';
  constructor(readonly config: MqttSourceConfig) {}
}

/** `stream.sinkTo(new MqttSink({ topic: 'alerts' }))` or `new MqttSink({ topicField: 'topic', payloadField: 'payload' })` */
export class MqttSink implements ConnectorSpec<MqttSinkConfig> {
  readonly connector = 'mqtt';
  constructor(readonly config: MqttSinkConfig) {}
}
