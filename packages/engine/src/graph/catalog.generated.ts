// Generated from the operator and connector registries by packages/engine/src/graph/catalog.test.ts: do not edit.
// After changing an operator or connector, run `npx vitest run packages/engine/src/graph/catalog.test.ts -u`.
import type { Catalog } from './catalog.js';

export const BUILTIN_CATALOG: Catalog = {
  "entries": [
    {
      "id": "source:elements",
      "type": "source",
      "connector": "elements",
      "label": "Elements",
      "group": "sources",
      "description": "A fixed list of elements (fromElements / fromCollection)",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "elements"
          },
          "config": {
            "type": "object",
            "properties": {
              "elements": {
                "type": "array",
                "items": {}
              },
              "timestamps": {
                "type": "array",
                "items": {
                  "type": "number"
                }
              }
            },
            "required": [
              "elements"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "elements",
        "config": {
          "elements": [
            1,
            2,
            3
          ]
        }
      }
    },
    {
      "id": "source:sales-generator",
      "type": "source",
      "connector": "sales-generator",
      "label": "Sales generator",
      "group": "sources",
      "description": "Generated sales lines (date,month,category,product,profit), as in the classic Flink example",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "sales-generator"
          },
          "config": {
            "type": "object",
            "properties": {
              "ratePerSecond": {
                "default": 100,
                "type": "number",
                "minimum": 0
              },
              "count": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "seed": {
                "default": 42,
                "type": "integer",
                "minimum": -9007199254740991,
                "maximum": 9007199254740991
              }
            }
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "sales-generator",
        "config": {
          "ratePerSecond": 100,
          "seed": 42
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "source:nexmark",
      "type": "source",
      "connector": "nexmark",
      "label": "Nexmark",
      "group": "sources",
      "description": "Nexmark auction events (persons, auctions, bids) for demos and benchmarks",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "nexmark"
          },
          "config": {
            "type": "object",
            "properties": {
              "seed": {
                "default": 1,
                "type": "integer",
                "minimum": -9007199254740991,
                "maximum": 9007199254740991
              },
              "eventsPerSecond": {
                "default": 10000,
                "type": "number",
                "exclusiveMinimum": 0
              },
              "ratePerSecond": {
                "default": 1000,
                "type": "number",
                "minimum": 0
              },
              "outOfOrdernessMs": {
                "default": 0,
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "count": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              }
            }
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "nexmark",
        "config": {
          "seed": 1,
          "eventsPerSecond": 10000,
          "ratePerSecond": 1000,
          "outOfOrdernessMs": 0
        },
        "watermarkStrategy": {
          "kind": "boundedOutOfOrderness",
          "maxOutOfOrderness": 4000
        }
      }
    },
    {
      "id": "source:socket-text",
      "type": "source",
      "connector": "socket-text",
      "label": "Socket text",
      "group": "sources",
      "description": "Lines of text from a TCP server (socketTextStream)",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "socket-text"
          },
          "config": {
            "type": "object",
            "properties": {
              "host": {
                "default": "localhost",
                "type": "string"
              },
              "port": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535,
                "description": "TCP port of the text server"
              },
              "delimiter": {
                "default": "\n",
                "type": "string",
                "minLength": 1
              },
              "maxRetry": {
                "default": -1,
                "type": "integer",
                "minimum": -1,
                "maximum": 9007199254740991
              },
              "retryDelayMs": {
                "default": 500,
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "port"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "socket-text",
        "config": {
          "host": "localhost",
          "port": 9999,
          "delimiter": "\n",
          "maxRetry": -1,
          "retryDelayMs": 500
        }
      }
    },
    {
      "id": "source:file",
      "type": "source",
      "connector": "file",
      "label": "File",
      "group": "sources",
      "description": "Records from a file or a directory: CSV, JSON Lines or text lines; can follow growing files",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "file"
          },
          "config": {
            "type": "object",
            "properties": {
              "path": {
                "type": "string",
                "minLength": 1,
                "description": "A file, or a directory whose files are read in name order"
              },
              "format": {
                "default": "text",
                "type": "string",
                "enum": [
                  "csv",
                  "jsonl",
                  "text"
                ]
              },
              "pattern": {
                "type": "string",
                "minLength": 1
              },
              "header": {
                "default": true,
                "type": "boolean"
              },
              "delimiter": {
                "default": ",",
                "type": "string",
                "minLength": 1
              },
              "inferTypes": {
                "default": true,
                "type": "boolean"
              },
              "follow": {
                "default": false,
                "type": "boolean"
              },
              "pollIntervalMs": {
                "default": 1000,
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "rate": {
                "type": "number",
                "exclusiveMinimum": 0
              }
            },
            "required": [
              "path"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "file",
        "config": {
          "path": "data.csv",
          "format": "csv",
          "header": true,
          "delimiter": ",",
          "inferTypes": true,
          "follow": false,
          "pollIntervalMs": 1000
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "source:mqtt",
      "type": "source",
      "connector": "mqtt",
      "label": "Mqtt",
      "group": "sources",
      "description": "MQTT broker: subscribe to topics (source) or publish records (sink)",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "mqtt"
          },
          "config": {
            "type": "object",
            "properties": {
              "url": {
                "default": "mqtt://127.0.0.1:1883",
                "description": "Broker URL (mqtt://, mqtts://, ws://, wss://)",
                "type": "string",
                "pattern": "^(mqtts?|wss?|tcp|ssl):\\/\\/."
              },
              "clientId": {
                "description": "Client id; required for persistent sessions (clean: false). Random when omitted",
                "type": "string",
                "minLength": 1
              },
              "username": {
                "type": "string"
              },
              "password": {
                "type": "string"
              },
              "protocolVersion": {
                "default": 4,
                "description": "4 = MQTT 3.1.1, 5 = MQTT 5",
                "anyOf": [
                  {
                    "type": "number",
                    "const": 4
                  },
                  {
                    "type": "number",
                    "const": 5
                  }
                ]
              },
              "qos": {
                "default": 1,
                "description": "Source: subscription QoS; sink: publish QoS. 0 at most once, 1 at least once, 2 exactly once between client and broker",
                "anyOf": [
                  {
                    "type": "number",
                    "const": 0
                  },
                  {
                    "type": "number",
                    "const": 1
                  },
                  {
                    "type": "number",
                    "const": 2
                  }
                ]
              },
              "format": {
                "default": "json",
                "description": "Payload encoding: JSON, UTF-8 text, or raw bytes (Uint8Array)",
                "type": "string",
                "enum": [
                  "json",
                  "string",
                  "bytes"
                ]
              },
              "connectTimeoutMs": {
                "default": 10000,
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "reconnectPeriodMs": {
                "default": 1000,
                "description": "Delay between reconnect attempts",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "maxReconnects": {
                "default": -1,
                "description": "Failed reconnect attempts in a row before the job fails; -1 retries forever",
                "type": "integer",
                "minimum": -1,
                "maximum": 9007199254740991
              },
              "topics": {
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Topic filters to subscribe to; + and # wildcards allowed"
              },
              "clean": {
                "default": true,
                "description": "false keeps a persistent session: with a fixed clientId and qos ≥ 1 the broker queues messages while the job is down",
                "type": "boolean"
              },
              "sessionExpirySeconds": {
                "default": 86400,
                "description": "MQTT 5 only: how long the broker keeps a persistent session after the job disconnects",
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991
              },
              "payloadOnly": {
                "default": false,
                "description": "Emit only the decoded payload instead of { topic, payload, qos, retain, receivedAt }",
                "type": "boolean"
              },
              "topic": {
                "description": "Topic to publish to; also the fallback when topicField is missing from a record",
                "type": "string"
              },
              "topicField": {
                "description": "Publish each record to the topic named by this field of the record",
                "type": "string",
                "minLength": 1
              },
              "payloadField": {
                "description": "Publish only this field of the record (e.g. payload of records read from MQTT)",
                "type": "string",
                "minLength": 1
              },
              "retain": {
                "default": false,
                "type": "boolean"
              },
              "flushTimeoutMs": {
                "default": 30000,
                "description": "How long the end of the job waits for unacknowledged publishes before failing",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              }
            }
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "mqtt",
        "config": {
          "url": "mqtt://127.0.0.1:1883",
          "protocolVersion": 4,
          "qos": 1,
          "format": "json",
          "connectTimeoutMs": 10000,
          "reconnectPeriodMs": 1000,
          "maxReconnects": -1,
          "topics": [
            "flowbook/in/#"
          ],
          "clean": true,
          "sessionExpirySeconds": 86400,
          "payloadOnly": false,
          "topic": "flowbook/out",
          "retain": false,
          "flushTimeoutMs": 30000
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "source:iot-sensors",
      "type": "source",
      "connector": "iot-sensors",
      "label": "Iot sensors",
      "group": "sources",
      "description": "Generated IoT sensor readings (temperature, humidity) with optional out-of-order, late and malformed readings",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "iot-sensors"
          },
          "config": {
            "type": "object",
            "properties": {
              "seed": {
                "default": 42,
                "type": "integer",
                "minimum": -9007199254740991,
                "maximum": 9007199254740991
              },
              "sensors": {
                "default": 10,
                "type": "integer",
                "minimum": 1,
                "maximum": 100000
              },
              "sites": {
                "default": 3,
                "type": "integer",
                "minimum": 1,
                "maximum": 1000
              },
              "eventsPerSecond": {
                "default": 10,
                "description": "Readings per second of event time, over all sensors",
                "type": "number",
                "exclusiveMinimum": 0
              },
              "ratePerSecond": {
                "description": "Wall-clock rate limit; defaults to eventsPerSecond (real time); 0 = as fast as possible",
                "type": "number",
                "minimum": 0
              },
              "startTime": {
                "default": 1700000000000,
                "description": "Event time of the first reading: epoch ms, or 'now' (fixed at the first start and kept in checkpoints)",
                "anyOf": [
                  {
                    "type": "integer",
                    "minimum": -9007199254740991,
                    "maximum": 9007199254740991
                  },
                  {
                    "type": "string",
                    "const": "now"
                  }
                ]
              },
              "outOfOrderFraction": {
                "default": 0,
                "description": "Share of readings older than the newest so far, by at most maxOutOfOrdernessMs",
                "type": "number",
                "minimum": 0,
                "maximum": 1
              },
              "maxOutOfOrdernessMs": {
                "default": 2000,
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "lateFraction": {
                "default": 0,
                "description": "Share of readings older than newest − maxOutOfOrdernessMs: late for a watermark with that bound",
                "type": "number",
                "minimum": 0,
                "maximum": 1
              },
              "maxLatenessMs": {
                "default": 60000,
                "description": "Late readings lie up to this far beyond maxOutOfOrdernessMs",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "malformedFraction": {
                "default": 0,
                "description": "Share of readings whose temperature is null or an error string",
                "type": "number",
                "minimum": 0,
                "maximum": 1
              },
              "count": {
                "description": "Stop after this many readings (bounded); omit for an endless stream",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              }
            }
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "iot-sensors",
        "config": {
          "seed": 42,
          "sensors": 10,
          "sites": 3,
          "eventsPerSecond": 10,
          "startTime": 1700000000000,
          "outOfOrderFraction": 0,
          "maxOutOfOrdernessMs": 2000,
          "lateFraction": 0,
          "maxLatenessMs": 60000,
          "malformedFraction": 0
        },
        "watermarkStrategy": {
          "kind": "boundedOutOfOrderness",
          "maxOutOfOrderness": 2000
        }
      }
    },
    {
      "id": "source:kafka",
      "type": "source",
      "connector": "kafka",
      "label": "Kafka",
      "group": "sources",
      "description": "Apache Kafka topics: source with per-partition watermarks and checkpointed offsets, at-least-once or exactly-once sink",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "kafka"
          },
          "config": {
            "type": "object",
            "properties": {
              "brokers": {
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "string",
                  "minLength": 1
                },
                "description": "bootstrap servers, host:port (an entry may list several, comma-separated)"
              },
              "clientId": {
                "default": "flowbook",
                "type": "string",
                "minLength": 1
              },
              "ssl": {
                "anyOf": [
                  {
                    "type": "boolean"
                  },
                  {
                    "type": "object",
                    "properties": {
                      "rejectUnauthorized": {
                        "type": "boolean"
                      },
                      "ca": {
                        "description": "PEM CA certificate(s)",
                        "anyOf": [
                          {
                            "type": "string"
                          },
                          {
                            "type": "array",
                            "items": {
                              "type": "string"
                            }
                          }
                        ]
                      },
                      "cert": {
                        "description": "PEM client certificate",
                        "type": "string"
                      },
                      "key": {
                        "description": "PEM client key",
                        "type": "string"
                      },
                      "passphrase": {
                        "type": "string"
                      },
                      "servername": {
                        "type": "string"
                      }
                    },
                    "additionalProperties": {}
                  }
                ]
              },
              "sasl": {
                "oneOf": [
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "plain"
                      },
                      "username": {
                        "type": "string"
                      },
                      "password": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "username",
                      "password"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "scram-sha-256"
                      },
                      "username": {
                        "type": "string"
                      },
                      "password": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "username",
                      "password"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "scram-sha-512"
                      },
                      "username": {
                        "type": "string"
                      },
                      "password": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "username",
                      "password"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "aws"
                      },
                      "authorizationIdentity": {
                        "type": "string"
                      },
                      "accessKeyId": {
                        "type": "string"
                      },
                      "secretAccessKey": {
                        "type": "string"
                      },
                      "sessionToken": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "authorizationIdentity",
                      "accessKeyId",
                      "secretAccessKey"
                    ]
                  }
                ]
              },
              "connectionTimeoutMs": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "requestTimeoutMs": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "logLevel": {
                "default": "warn",
                "type": "string",
                "enum": [
                  "nothing",
                  "error",
                  "warn",
                  "info",
                  "debug"
                ]
              },
              "topics": {
                "description": "source: topics to read (or topicPattern)",
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "string",
                  "minLength": 1
                }
              },
              "topicPattern": {
                "description": "source: regular expression matching whole topic names (topics that exist when the job starts)",
                "type": "string",
                "minLength": 1
              },
              "groupId": {
                "description": "source (required): consumer group, for partition assignment and committed offsets",
                "type": "string",
                "minLength": 1
              },
              "startFrom": {
                "default": "earliest",
                "description": "source: where to start without a checkpoint",
                "anyOf": [
                  {
                    "type": "string",
                    "enum": [
                      "earliest",
                      "latest",
                      "committed"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "timestamp": {
                        "type": "number",
                        "description": "epoch ms: the first offset whose record timestamp is >= this"
                      }
                    },
                    "required": [
                      "timestamp"
                    ]
                  }
                ]
              },
              "bounded": {
                "default": false,
                "description": "source: stop at the end offsets the partitions have when the job starts",
                "type": "boolean"
              },
              "valueOnly": {
                "default": false,
                "description": "source: emit the value alone instead of { topic, partition, offset, key, value, headers, timestamp }",
                "type": "boolean"
              },
              "timestampField": {
                "description": "source: event time from this field of a JSON value (epoch ms or ISO date) instead of the Kafka timestamp",
                "type": "string",
                "minLength": 1
              },
              "maxOutOfOrdernessMs": {
                "default": 0,
                "description": "source: per-partition watermark = max timestamp − this − 1; the source emits the minimum over partitions",
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "idlenessMs": {
                "description": "source: a partition without records for this long leaves the watermark minimum",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "fetchMaxWaitMs": {
                "default": 500,
                "description": "source: longest a fetch waits on the broker (bounds how long cancelling takes)",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "fetchMaxBytesPerPartition": {
                "default": 262144,
                "description": "source: most bytes one fetch returns per partition",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "partitionDiscoveryIntervalMs": {
                "default": 10000,
                "description": "source: how often to look for partitions added to the topics (not in bounded mode)",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "sessionTimeoutMs": {
                "description": "source: ignored (the source reads assigned partitions, it does not join the group)",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "topic": {
                "description": "sink (required): topic to write to",
                "type": "string",
                "minLength": 1
              },
              "keyField": {
                "description": "sink: record key from this field of the value",
                "type": "string",
                "minLength": 1
              },
              "keySelector": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "batchSize": {
                "default": 500,
                "description": "sink: records per produce request",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "lingerMs": {
                "default": 50,
                "description": "sink: a partial batch is sent after this many ms",
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991
              },
              "deliveryGuarantee": {
                "default": "at-least-once",
                "description": "sink: exactly-once writes each checkpoint interval in a Kafka transaction, committed when the checkpoint completes",
                "type": "string",
                "enum": [
                  "at-least-once",
                  "exactly-once",
                  "none"
                ]
              },
              "transactionalIdPrefix": {
                "description": "sink (exactly-once): transactional.id = <prefix>-<subtask index>; unique per job writing to the cluster",
                "type": "string",
                "minLength": 1,
                "pattern": "^[\\w.-]+$"
              },
              "transactionTimeoutMs": {
                "default": 60000,
                "description": "sink (exactly-once): transaction.timeout.ms; longer than the checkpoint interval plus a restart, at most the broker's transaction.max.timeout.ms",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "format": {
                "default": "json",
                "description": "value format: json, string or bytes",
                "type": "string",
                "enum": [
                  "json",
                  "string",
                  "bytes"
                ]
              }
            },
            "required": [
              "brokers"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "kafka",
        "config": {
          "brokers": [
            "localhost:9092"
          ],
          "clientId": "flowbook",
          "logLevel": "warn",
          "topics": [
            "input"
          ],
          "groupId": "flowbook",
          "startFrom": "earliest",
          "bounded": false,
          "valueOnly": false,
          "maxOutOfOrdernessMs": 0,
          "fetchMaxWaitMs": 500,
          "fetchMaxBytesPerPartition": 262144,
          "partitionDiscoveryIntervalMs": 10000,
          "topic": "output",
          "batchSize": 500,
          "lingerMs": 50,
          "deliveryGuarantee": "at-least-once",
          "transactionTimeoutMs": 60000,
          "format": "json"
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "source:function",
      "type": "source",
      "connector": "function",
      "label": "Function",
      "group": "sources",
      "description": "An inline SourceFunction (env.addSource): run(ctx) emits with ctx.collect / collectWithTimestamp / emitWatermark; cancel() stops it",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "function"
          },
          "config": {
            "type": "object",
            "properties": {
              "fn": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              }
            },
            "required": [
              "fn"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "function",
        "config": {
          "fn": {
            "code": "({\n  running: true,\n  async run(ctx) {\n    for (let i = 0; this.running; i++) {\n      ctx.collect(i);\n      await ctx.sleep(1000);\n    }\n  },\n  cancel() {\n    this.running = false;\n  },\n})"
          }
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "source:datagen",
      "type": "source",
      "connector": "datagen",
      "label": "Datagen",
      "group": "sources",
      "description": "Random or sequence rows for a table's columns (Flink SQL's datagen)",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "datagen"
          },
          "config": {
            "type": "object",
            "properties": {
              "fields": {
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "name": {
                      "type": "string"
                    },
                    "type": {
                      "type": "string"
                    },
                    "options": {
                      "type": "object",
                      "properties": {
                        "kind": {
                          "default": "random",
                          "type": "string",
                          "enum": [
                            "random",
                            "sequence"
                          ]
                        },
                        "min": {
                          "type": "number"
                        },
                        "max": {
                          "type": "number"
                        },
                        "length": {
                          "type": "integer",
                          "exclusiveMinimum": 0,
                          "maximum": 9007199254740991
                        },
                        "start": {
                          "type": "number"
                        },
                        "end": {
                          "type": "number"
                        }
                      }
                    }
                  },
                  "required": [
                    "name",
                    "type"
                  ]
                }
              },
              "rowsPerSecond": {
                "default": 10000,
                "type": "number",
                "exclusiveMinimum": 0
              },
              "numberOfRows": {
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991
              },
              "seed": {
                "type": "integer",
                "minimum": -9007199254740991,
                "maximum": 9007199254740991
              }
            },
            "required": [
              "fields"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "datagen",
        "config": {
          "rowsPerSecond": 10000
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "source:flink-sql-gateway",
      "type": "source",
      "connector": "flink-sql-gateway",
      "label": "Flink sql gateway",
      "group": "sources",
      "description": "Runs SQL on an Apache Flink cluster through its SQL Gateway and emits the changelog of the query",
      "inputs": 0,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "flink-sql-gateway"
          },
          "config": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string",
                "format": "uri"
              },
              "statements": {
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "text": {
                      "type": "string",
                      "minLength": 1
                    },
                    "line": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 9007199254740991
                    }
                  },
                  "required": [
                    "text",
                    "line"
                  ]
                }
              },
              "catalog": {
                "default": [],
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "properties": {
                "default": {},
                "type": "object",
                "propertyNames": {
                  "type": "string"
                },
                "additionalProperties": {
                  "type": "string"
                }
              },
              "jobName": {
                "type": "string"
              },
              "pollIntervalMs": {
                "default": 200,
                "type": "integer",
                "minimum": 10,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "url",
              "statements"
            ]
          },
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "flink-sql-gateway",
        "config": {
          "catalog": [],
          "properties": {},
          "pollIntervalMs": 200
        },
        "watermarkStrategy": {
          "kind": "noWatermarks"
        }
      }
    },
    {
      "id": "assignTimestampsAndWatermarks",
      "type": "assignTimestampsAndWatermarks",
      "label": "Timestamps & watermarks",
      "group": "transformations",
      "description": "Assigns event timestamps and generates watermarks",
      "inputs": 1,
      "outputs": 1,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "watermarkStrategy": {
            "type": "object",
            "properties": {
              "kind": {
                "type": "string",
                "enum": [
                  "boundedOutOfOrderness",
                  "noWatermarks",
                  "generator"
                ]
              },
              "maxOutOfOrderness": {
                "type": "number",
                "minimum": 0,
                "x-flowbook": "duration"
              },
              "generator": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "timestampAssigner": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "idleness": {
                "type": "number",
                "exclusiveMinimum": 0,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "kind"
            ]
          }
        },
        "required": [
          "watermarkStrategy"
        ]
      },
      "defaults": {
        "watermarkStrategy": {
          "kind": "boundedOutOfOrderness",
          "maxOutOfOrderness": 1000
        }
      }
    },
    {
      "id": "map",
      "type": "map",
      "label": "Map",
      "group": "transformations",
      "description": "One record in, one record out",
      "inputs": 1,
      "outputs": 1,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "(value) => value"
        }
      }
    },
    {
      "id": "filter",
      "type": "filter",
      "label": "Filter",
      "group": "transformations",
      "description": "Keeps records for which the predicate is true",
      "inputs": 1,
      "outputs": 1,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "(value) => true"
        }
      }
    },
    {
      "id": "flatMap",
      "type": "flatMap",
      "label": "FlatMap",
      "group": "transformations",
      "description": "One record in, zero or more out",
      "inputs": 1,
      "outputs": 1,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "(value, out) => {\n  out.collect(value);\n}"
        }
      }
    },
    {
      "id": "process",
      "type": "process",
      "label": "Process",
      "group": "transformations",
      "description": "A ProcessFunction: any logic per record, with side outputs",
      "inputs": 1,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "({\n  processElement(value, ctx, out) {\n    out.collect(value);\n  },\n})"
        }
      }
    },
    {
      "id": "union",
      "type": "union",
      "label": "Union",
      "group": "transformations",
      "description": "Merges streams of the same type; the watermark is the minimum of the inputs",
      "inputs": 1,
      "outputs": 1,
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {}
      },
      "defaults": {}
    },
    {
      "id": "reduce",
      "type": "reduce",
      "label": "Reduce",
      "group": "keyed and windows",
      "description": "Rolling reduce per key",
      "inputs": 1,
      "outputs": 1,
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "(a, b) => a"
        }
      }
    },
    {
      "id": "window",
      "type": "window",
      "label": "Window",
      "group": "keyed and windows",
      "description": "Groups records into windows (tumbling, sliding, session, global) and aggregates each window",
      "inputs": 1,
      "outputs": 1,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "assigner": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "tumbling"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "size": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "offset": {
                    "default": 0,
                    "type": "number",
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "size"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "sliding"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "size": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "slide": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "offset": {
                    "default": 0,
                    "type": "number",
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "size",
                  "slide"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "session"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "gap": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "gap"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "dynamicSession"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "gapExtractor": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "gapExtractor"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "global"
                  }
                },
                "required": [
                  "kind"
                ]
              }
            ]
          },
          "trigger": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "eventTime"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "processingTime"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "count"
                  },
                  "maxCount": {
                    "type": "integer",
                    "exclusiveMinimum": 0,
                    "maximum": 9007199254740991
                  }
                },
                "required": [
                  "kind",
                  "maxCount"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "continuousEventTime"
                  },
                  "interval": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "interval"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "continuousProcessingTime"
                  },
                  "interval": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "interval"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "never"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "purging"
                  },
                  "nested": {
                    "oneOf": [
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "eventTime"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "processingTime"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "count"
                          },
                          "maxCount": {
                            "type": "integer",
                            "exclusiveMinimum": 0,
                            "maximum": 9007199254740991
                          }
                        },
                        "required": [
                          "kind",
                          "maxCount"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "continuousEventTime"
                          },
                          "interval": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "x-flowbook": "duration"
                          }
                        },
                        "required": [
                          "kind",
                          "interval"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "continuousProcessingTime"
                          },
                          "interval": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "x-flowbook": "duration"
                          }
                        },
                        "required": [
                          "kind",
                          "interval"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "never"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      }
                    ]
                  }
                },
                "required": [
                  "kind",
                  "nested"
                ]
              }
            ]
          },
          "evictor": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "count"
                  },
                  "maxCount": {
                    "type": "integer",
                    "exclusiveMinimum": 0,
                    "maximum": 9007199254740991
                  },
                  "doEvictAfter": {
                    "default": false,
                    "type": "boolean"
                  }
                },
                "required": [
                  "kind",
                  "maxCount"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "time"
                  },
                  "windowSize": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "doEvictAfter": {
                    "default": false,
                    "type": "boolean"
                  }
                },
                "required": [
                  "kind",
                  "windowSize"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "delta"
                  },
                  "threshold": {
                    "type": "number"
                  },
                  "deltaFunction": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  },
                  "doEvictAfter": {
                    "default": false,
                    "type": "boolean"
                  }
                },
                "required": [
                  "kind",
                  "threshold",
                  "deltaFunction"
                ]
              }
            ]
          },
          "allowedLateness": {
            "type": "number",
            "minimum": 0,
            "x-flowbook": "duration"
          },
          "lateDataOutputTag": {
            "type": "string"
          },
          "allWindow": {
            "description": "Window the whole stream, without keyBy (windowAll): runs as one subtask",
            "type": "boolean"
          },
          "function": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "reduce"
                  },
                  "reduce": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  },
                  "process": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  }
                },
                "required": [
                  "kind",
                  "reduce"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "aggregate"
                  },
                  "aggregate": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  },
                  "process": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  }
                },
                "required": [
                  "kind",
                  "aggregate"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "process"
                  },
                  "process": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  }
                },
                "required": [
                  "kind",
                  "process"
                ]
              }
            ]
          }
        },
        "required": [
          "assigner",
          "function"
        ]
      },
      "defaults": {
        "assigner": {
          "kind": "tumbling",
          "time": "processing",
          "size": 5000,
          "offset": 0
        },
        "function": {
          "kind": "reduce",
          "reduce": {
            "code": "(a, b) => a"
          }
        }
      }
    },
    {
      "id": "aggregate",
      "type": "aggregate",
      "label": "Aggregate",
      "group": "keyed and windows",
      "description": "Rolling aggregate per key (AggregateFunction)",
      "inputs": 1,
      "outputs": 1,
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "({\n  createAccumulator: () => 0,\n  add: (value, count) => count + 1,\n  getResult: (count) => count,\n  merge: (a, b) => a + b,\n})"
        }
      }
    },
    {
      "id": "keyedProcess",
      "type": "keyedProcess",
      "label": "Keyed process",
      "group": "keyed and windows",
      "description": "A KeyedProcessFunction: keyed state and event/processing-time timers",
      "inputs": 1,
      "outputs": 1,
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "({\n  processElement(value, ctx, out) {\n    out.collect(value);\n  },\n  onTimer(timestamp, ctx, out) {},\n})"
        }
      }
    },
    {
      "id": "coProcess",
      "type": "coProcess",
      "label": "CoProcess",
      "group": "joins",
      "description": "Two connected streams, one function with processElement1/processElement2",
      "inputs": 2,
      "outputs": 1,
      "inputLabels": [
        "first",
        "second"
      ],
      "keyed": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "({\n  processElement1(value, ctx, out) {\n    out.collect(value);\n  },\n  processElement2(value, ctx, out) {\n    out.collect(value);\n  },\n})"
        }
      }
    },
    {
      "id": "keyedCoProcess",
      "type": "keyedCoProcess",
      "label": "Keyed CoProcess",
      "group": "joins",
      "description": "Two connected keyed streams: shared keyed state and timers",
      "inputs": 2,
      "outputs": 1,
      "inputLabels": [
        "first",
        "second"
      ],
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      },
      "defaults": {
        "fn": {
          "code": "({\n  processElement1(value, ctx, out) {\n    out.collect(value);\n  },\n  processElement2(value, ctx, out) {\n    out.collect(value);\n  },\n})"
        }
      }
    },
    {
      "id": "windowJoin",
      "type": "windowJoin",
      "label": "Window join",
      "group": "joins",
      "description": "Joins elements of the same key in the same window",
      "inputs": 2,
      "outputs": 1,
      "inputLabels": [
        "left",
        "right"
      ],
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "assigner": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "tumbling"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "size": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "offset": {
                    "default": 0,
                    "type": "number",
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "size"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "sliding"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "size": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "slide": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "offset": {
                    "default": 0,
                    "type": "number",
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "size",
                  "slide"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "session"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "gap": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "gap"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "dynamicSession"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "gapExtractor": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "gapExtractor"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "global"
                  }
                },
                "required": [
                  "kind"
                ]
              }
            ]
          },
          "trigger": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "eventTime"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "processingTime"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "count"
                  },
                  "maxCount": {
                    "type": "integer",
                    "exclusiveMinimum": 0,
                    "maximum": 9007199254740991
                  }
                },
                "required": [
                  "kind",
                  "maxCount"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "continuousEventTime"
                  },
                  "interval": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "interval"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "continuousProcessingTime"
                  },
                  "interval": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "interval"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "never"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "purging"
                  },
                  "nested": {
                    "oneOf": [
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "eventTime"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "processingTime"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "count"
                          },
                          "maxCount": {
                            "type": "integer",
                            "exclusiveMinimum": 0,
                            "maximum": 9007199254740991
                          }
                        },
                        "required": [
                          "kind",
                          "maxCount"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "continuousEventTime"
                          },
                          "interval": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "x-flowbook": "duration"
                          }
                        },
                        "required": [
                          "kind",
                          "interval"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "continuousProcessingTime"
                          },
                          "interval": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "x-flowbook": "duration"
                          }
                        },
                        "required": [
                          "kind",
                          "interval"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "never"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      }
                    ]
                  }
                },
                "required": [
                  "kind",
                  "nested"
                ]
              }
            ]
          },
          "allowedLateness": {
            "type": "number",
            "minimum": 0,
            "x-flowbook": "duration"
          },
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "assigner",
          "fn"
        ]
      },
      "defaults": {
        "assigner": {
          "kind": "tumbling",
          "time": "processing",
          "size": 5000,
          "offset": 0
        },
        "fn": {
          "code": "(left, right) => ({ left, right })"
        }
      }
    },
    {
      "id": "windowCoGroup",
      "type": "windowCoGroup",
      "label": "Window CoGroup",
      "group": "joins",
      "description": "All elements of each input with the same key in the same window, in one call (sides may be empty)",
      "inputs": 2,
      "outputs": 1,
      "inputLabels": [
        "first",
        "second"
      ],
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "assigner": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "tumbling"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "size": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "offset": {
                    "default": 0,
                    "type": "number",
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "size"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "sliding"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "size": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "slide": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  },
                  "offset": {
                    "default": 0,
                    "type": "number",
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "size",
                  "slide"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "session"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "gap": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "gap"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "dynamicSession"
                  },
                  "time": {
                    "type": "string",
                    "enum": [
                      "event",
                      "processing"
                    ]
                  },
                  "gapExtractor": {
                    "type": "object",
                    "properties": {
                      "code": {
                        "type": "string",
                        "minLength": 1
                      },
                      "ref": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "code"
                    ],
                    "x-flowbook": "fn"
                  }
                },
                "required": [
                  "kind",
                  "time",
                  "gapExtractor"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "global"
                  }
                },
                "required": [
                  "kind"
                ]
              }
            ]
          },
          "trigger": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "eventTime"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "processingTime"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "count"
                  },
                  "maxCount": {
                    "type": "integer",
                    "exclusiveMinimum": 0,
                    "maximum": 9007199254740991
                  }
                },
                "required": [
                  "kind",
                  "maxCount"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "continuousEventTime"
                  },
                  "interval": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "interval"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "continuousProcessingTime"
                  },
                  "interval": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "x-flowbook": "duration"
                  }
                },
                "required": [
                  "kind",
                  "interval"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "never"
                  }
                },
                "required": [
                  "kind"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "kind": {
                    "type": "string",
                    "const": "purging"
                  },
                  "nested": {
                    "oneOf": [
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "eventTime"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "processingTime"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "count"
                          },
                          "maxCount": {
                            "type": "integer",
                            "exclusiveMinimum": 0,
                            "maximum": 9007199254740991
                          }
                        },
                        "required": [
                          "kind",
                          "maxCount"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "continuousEventTime"
                          },
                          "interval": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "x-flowbook": "duration"
                          }
                        },
                        "required": [
                          "kind",
                          "interval"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "continuousProcessingTime"
                          },
                          "interval": {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "x-flowbook": "duration"
                          }
                        },
                        "required": [
                          "kind",
                          "interval"
                        ]
                      },
                      {
                        "type": "object",
                        "properties": {
                          "kind": {
                            "type": "string",
                            "const": "never"
                          }
                        },
                        "required": [
                          "kind"
                        ]
                      }
                    ]
                  }
                },
                "required": [
                  "kind",
                  "nested"
                ]
              }
            ]
          },
          "allowedLateness": {
            "type": "number",
            "minimum": 0,
            "x-flowbook": "duration"
          },
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "assigner",
          "fn"
        ]
      },
      "defaults": {
        "assigner": {
          "kind": "tumbling",
          "time": "processing",
          "size": 5000,
          "offset": 0
        },
        "fn": {
          "code": "(first, second, out) => {\n  out.collect({ first, second });\n}"
        }
      }
    },
    {
      "id": "intervalJoin",
      "type": "intervalJoin",
      "label": "Interval join",
      "group": "joins",
      "description": "Joins each left element with right elements of the same key within a time interval",
      "inputs": 2,
      "outputs": 1,
      "inputLabels": [
        "left",
        "right"
      ],
      "keyed": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "lowerBound": {
            "type": "number",
            "x-flowbook": "duration"
          },
          "upperBound": {
            "type": "number",
            "x-flowbook": "duration"
          },
          "lowerBoundInclusive": {
            "default": true,
            "type": "boolean"
          },
          "upperBoundInclusive": {
            "default": true,
            "type": "boolean"
          },
          "leftLateDataOutputTag": {
            "type": "string"
          },
          "rightLateDataOutputTag": {
            "type": "string"
          },
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "lowerBound",
          "upperBound",
          "fn"
        ]
      },
      "defaults": {
        "lowerBound": -5000,
        "upperBound": 5000,
        "lowerBoundInclusive": true,
        "upperBoundInclusive": true,
        "fn": {
          "code": "({\n  processElement(left, right, ctx, out) {\n    out.collect({ left, right });\n  },\n})"
        }
      }
    },
    {
      "id": "sink:live",
      "type": "sink",
      "connector": "live",
      "label": "Live",
      "group": "sinks",
      "description": "Shows records live in the notebook cell (chart or table)",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "live"
          },
          "config": {
            "type": "object",
            "properties": {
              "name": {
                "default": "result",
                "type": "string",
                "minLength": 1
              }
            }
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "live",
        "config": {
          "name": "result"
        }
      }
    },
    {
      "id": "sink:print",
      "type": "sink",
      "connector": "print",
      "label": "Print",
      "group": "sinks",
      "description": "Prints each record as a line in the cell output",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "print"
          },
          "config": {
            "type": "object",
            "properties": {
              "prefix": {
                "type": "string"
              }
            }
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "print",
        "config": {}
      }
    },
    {
      "id": "sink:collect",
      "type": "sink",
      "connector": "collect",
      "label": "Collect",
      "group": "sinks",
      "description": "Returns records to the program that runs the job (executeAndCollect)",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "collect"
          },
          "config": {
            "type": "object",
            "properties": {
              "name": {
                "default": "collect",
                "type": "string"
              }
            }
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "collect",
        "config": {
          "name": "collect"
        }
      }
    },
    {
      "id": "sink:postgres",
      "type": "sink",
      "connector": "postgres",
      "label": "Postgres",
      "group": "sinks",
      "description": "Rows into a PostgreSQL table (exactly-once with checkpointing; insert or upsert)",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "postgres"
          },
          "config": {
            "type": "object",
            "properties": {
              "url": {
                "type": "string"
              },
              "urlEnv": {
                "type": "string"
              },
              "table": {
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"
              },
              "columns": {
                "type": "array",
                "items": {
                  "type": "string",
                  "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"
                }
              },
              "mode": {
                "default": "insert",
                "type": "string",
                "enum": [
                  "insert",
                  "upsert"
                ]
              },
              "keyColumns": {
                "type": "array",
                "items": {
                  "type": "string",
                  "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"
                }
              },
              "createTable": {
                "default": true,
                "type": "boolean"
              },
              "batchSize": {
                "default": 1000,
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "flushIntervalMs": {
                "default": 1000,
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              }
            },
            "required": [
              "table"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "postgres",
        "config": {
          "url": "postgresql://${secret:PG_USER}@127.0.0.1:5432/test",
          "table": "results",
          "mode": "insert",
          "createTable": true,
          "batchSize": 1000,
          "flushIntervalMs": 1000
        }
      }
    },
    {
      "id": "sink:file-sink",
      "type": "sink",
      "connector": "file-sink",
      "label": "File sink",
      "group": "sinks",
      "description": "Writes JSON Lines or CSV part files to a directory, exactly once with checkpoints",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "file-sink"
          },
          "config": {
            "type": "object",
            "properties": {
              "path": {
                "type": "string",
                "minLength": 1,
                "description": "Output directory (created if missing); one sink per directory and prefix"
              },
              "format": {
                "default": "jsonl",
                "type": "string",
                "enum": [
                  "jsonl",
                  "csv"
                ]
              },
              "prefix": {
                "default": "part",
                "type": "string",
                "pattern": "^[^./\\\\][^/\\\\]*$"
              },
              "suffix": {
                "type": "string",
                "pattern": "^[^/\\\\]*$"
              },
              "maxRecords": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "maxBytes": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "rolloverIntervalMs": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "header": {
                "default": true,
                "type": "boolean"
              },
              "columns": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "delimiter": {
                "default": ",",
                "type": "string",
                "minLength": 1
              }
            },
            "required": [
              "path"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "file-sink",
        "config": {
          "path": "out",
          "format": "jsonl",
          "prefix": "part",
          "header": true,
          "delimiter": ","
        }
      }
    },
    {
      "id": "sink:mqtt",
      "type": "sink",
      "connector": "mqtt",
      "label": "Mqtt",
      "group": "sinks",
      "description": "MQTT broker: subscribe to topics (source) or publish records (sink)",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "mqtt"
          },
          "config": {
            "type": "object",
            "properties": {
              "url": {
                "default": "mqtt://127.0.0.1:1883",
                "description": "Broker URL (mqtt://, mqtts://, ws://, wss://)",
                "type": "string",
                "pattern": "^(mqtts?|wss?|tcp|ssl):\\/\\/."
              },
              "clientId": {
                "description": "Client id; required for persistent sessions (clean: false). Random when omitted",
                "type": "string",
                "minLength": 1
              },
              "username": {
                "type": "string"
              },
              "password": {
                "type": "string"
              },
              "protocolVersion": {
                "default": 4,
                "description": "4 = MQTT 3.1.1, 5 = MQTT 5",
                "anyOf": [
                  {
                    "type": "number",
                    "const": 4
                  },
                  {
                    "type": "number",
                    "const": 5
                  }
                ]
              },
              "qos": {
                "default": 1,
                "description": "Source: subscription QoS; sink: publish QoS. 0 at most once, 1 at least once, 2 exactly once between client and broker",
                "anyOf": [
                  {
                    "type": "number",
                    "const": 0
                  },
                  {
                    "type": "number",
                    "const": 1
                  },
                  {
                    "type": "number",
                    "const": 2
                  }
                ]
              },
              "format": {
                "default": "json",
                "description": "Payload encoding: JSON, UTF-8 text, or raw bytes (Uint8Array)",
                "type": "string",
                "enum": [
                  "json",
                  "string",
                  "bytes"
                ]
              },
              "connectTimeoutMs": {
                "default": 10000,
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "reconnectPeriodMs": {
                "default": 1000,
                "description": "Delay between reconnect attempts",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "maxReconnects": {
                "default": -1,
                "description": "Failed reconnect attempts in a row before the job fails; -1 retries forever",
                "type": "integer",
                "minimum": -1,
                "maximum": 9007199254740991
              },
              "topics": {
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Topic filters to subscribe to; + and # wildcards allowed"
              },
              "clean": {
                "default": true,
                "description": "false keeps a persistent session: with a fixed clientId and qos ≥ 1 the broker queues messages while the job is down",
                "type": "boolean"
              },
              "sessionExpirySeconds": {
                "default": 86400,
                "description": "MQTT 5 only: how long the broker keeps a persistent session after the job disconnects",
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991
              },
              "payloadOnly": {
                "default": false,
                "description": "Emit only the decoded payload instead of { topic, payload, qos, retain, receivedAt }",
                "type": "boolean"
              },
              "topic": {
                "description": "Topic to publish to; also the fallback when topicField is missing from a record",
                "type": "string"
              },
              "topicField": {
                "description": "Publish each record to the topic named by this field of the record",
                "type": "string",
                "minLength": 1
              },
              "payloadField": {
                "description": "Publish only this field of the record (e.g. payload of records read from MQTT)",
                "type": "string",
                "minLength": 1
              },
              "retain": {
                "default": false,
                "type": "boolean"
              },
              "flushTimeoutMs": {
                "default": 30000,
                "description": "How long the end of the job waits for unacknowledged publishes before failing",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              }
            }
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "mqtt",
        "config": {
          "url": "mqtt://127.0.0.1:1883",
          "protocolVersion": 4,
          "qos": 1,
          "format": "json",
          "connectTimeoutMs": 10000,
          "reconnectPeriodMs": 1000,
          "maxReconnects": -1,
          "topics": [
            "flowbook/in/#"
          ],
          "clean": true,
          "sessionExpirySeconds": 86400,
          "payloadOnly": false,
          "topic": "flowbook/out",
          "retain": false,
          "flushTimeoutMs": 30000
        }
      }
    },
    {
      "id": "sink:kafka",
      "type": "sink",
      "connector": "kafka",
      "label": "Kafka",
      "group": "sinks",
      "description": "Apache Kafka topics: source with per-partition watermarks and checkpointed offsets, at-least-once or exactly-once sink",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "kafka"
          },
          "config": {
            "type": "object",
            "properties": {
              "brokers": {
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "string",
                  "minLength": 1
                },
                "description": "bootstrap servers, host:port (an entry may list several, comma-separated)"
              },
              "clientId": {
                "default": "flowbook",
                "type": "string",
                "minLength": 1
              },
              "ssl": {
                "anyOf": [
                  {
                    "type": "boolean"
                  },
                  {
                    "type": "object",
                    "properties": {
                      "rejectUnauthorized": {
                        "type": "boolean"
                      },
                      "ca": {
                        "description": "PEM CA certificate(s)",
                        "anyOf": [
                          {
                            "type": "string"
                          },
                          {
                            "type": "array",
                            "items": {
                              "type": "string"
                            }
                          }
                        ]
                      },
                      "cert": {
                        "description": "PEM client certificate",
                        "type": "string"
                      },
                      "key": {
                        "description": "PEM client key",
                        "type": "string"
                      },
                      "passphrase": {
                        "type": "string"
                      },
                      "servername": {
                        "type": "string"
                      }
                    },
                    "additionalProperties": {}
                  }
                ]
              },
              "sasl": {
                "oneOf": [
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "plain"
                      },
                      "username": {
                        "type": "string"
                      },
                      "password": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "username",
                      "password"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "scram-sha-256"
                      },
                      "username": {
                        "type": "string"
                      },
                      "password": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "username",
                      "password"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "scram-sha-512"
                      },
                      "username": {
                        "type": "string"
                      },
                      "password": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "username",
                      "password"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "mechanism": {
                        "type": "string",
                        "const": "aws"
                      },
                      "authorizationIdentity": {
                        "type": "string"
                      },
                      "accessKeyId": {
                        "type": "string"
                      },
                      "secretAccessKey": {
                        "type": "string"
                      },
                      "sessionToken": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "mechanism",
                      "authorizationIdentity",
                      "accessKeyId",
                      "secretAccessKey"
                    ]
                  }
                ]
              },
              "connectionTimeoutMs": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "requestTimeoutMs": {
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "logLevel": {
                "default": "warn",
                "type": "string",
                "enum": [
                  "nothing",
                  "error",
                  "warn",
                  "info",
                  "debug"
                ]
              },
              "topics": {
                "description": "source: topics to read (or topicPattern)",
                "minItems": 1,
                "type": "array",
                "items": {
                  "type": "string",
                  "minLength": 1
                }
              },
              "topicPattern": {
                "description": "source: regular expression matching whole topic names (topics that exist when the job starts)",
                "type": "string",
                "minLength": 1
              },
              "groupId": {
                "description": "source (required): consumer group, for partition assignment and committed offsets",
                "type": "string",
                "minLength": 1
              },
              "startFrom": {
                "default": "earliest",
                "description": "source: where to start without a checkpoint",
                "anyOf": [
                  {
                    "type": "string",
                    "enum": [
                      "earliest",
                      "latest",
                      "committed"
                    ]
                  },
                  {
                    "type": "object",
                    "properties": {
                      "timestamp": {
                        "type": "number",
                        "description": "epoch ms: the first offset whose record timestamp is >= this"
                      }
                    },
                    "required": [
                      "timestamp"
                    ]
                  }
                ]
              },
              "bounded": {
                "default": false,
                "description": "source: stop at the end offsets the partitions have when the job starts",
                "type": "boolean"
              },
              "valueOnly": {
                "default": false,
                "description": "source: emit the value alone instead of { topic, partition, offset, key, value, headers, timestamp }",
                "type": "boolean"
              },
              "timestampField": {
                "description": "source: event time from this field of a JSON value (epoch ms or ISO date) instead of the Kafka timestamp",
                "type": "string",
                "minLength": 1
              },
              "maxOutOfOrdernessMs": {
                "default": 0,
                "description": "source: per-partition watermark = max timestamp − this − 1; the source emits the minimum over partitions",
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "idlenessMs": {
                "description": "source: a partition without records for this long leaves the watermark minimum",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991,
                "x-flowbook": "duration"
              },
              "fetchMaxWaitMs": {
                "default": 500,
                "description": "source: longest a fetch waits on the broker (bounds how long cancelling takes)",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "fetchMaxBytesPerPartition": {
                "default": 262144,
                "description": "source: most bytes one fetch returns per partition",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "partitionDiscoveryIntervalMs": {
                "default": 10000,
                "description": "source: how often to look for partitions added to the topics (not in bounded mode)",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "sessionTimeoutMs": {
                "description": "source: ignored (the source reads assigned partitions, it does not join the group)",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "topic": {
                "description": "sink (required): topic to write to",
                "type": "string",
                "minLength": 1
              },
              "keyField": {
                "description": "sink: record key from this field of the value",
                "type": "string",
                "minLength": 1
              },
              "keySelector": {
                "type": "object",
                "properties": {
                  "code": {
                    "type": "string",
                    "minLength": 1
                  },
                  "ref": {
                    "type": "string"
                  }
                },
                "required": [
                  "code"
                ],
                "x-flowbook": "fn"
              },
              "batchSize": {
                "default": 500,
                "description": "sink: records per produce request",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "lingerMs": {
                "default": 50,
                "description": "sink: a partial batch is sent after this many ms",
                "type": "integer",
                "minimum": 0,
                "maximum": 9007199254740991
              },
              "deliveryGuarantee": {
                "default": "at-least-once",
                "description": "sink: exactly-once writes each checkpoint interval in a Kafka transaction, committed when the checkpoint completes",
                "type": "string",
                "enum": [
                  "at-least-once",
                  "exactly-once",
                  "none"
                ]
              },
              "transactionalIdPrefix": {
                "description": "sink (exactly-once): transactional.id = <prefix>-<subtask index>; unique per job writing to the cluster",
                "type": "string",
                "minLength": 1,
                "pattern": "^[\\w.-]+$"
              },
              "transactionTimeoutMs": {
                "default": 60000,
                "description": "sink (exactly-once): transaction.timeout.ms; longer than the checkpoint interval plus a restart, at most the broker's transaction.max.timeout.ms",
                "type": "integer",
                "exclusiveMinimum": 0,
                "maximum": 9007199254740991
              },
              "format": {
                "default": "json",
                "description": "value format: json, string or bytes",
                "type": "string",
                "enum": [
                  "json",
                  "string",
                  "bytes"
                ]
              }
            },
            "required": [
              "brokers"
            ]
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "kafka",
        "config": {
          "brokers": [
            "localhost:9092"
          ],
          "clientId": "flowbook",
          "logLevel": "warn",
          "topics": [
            "input"
          ],
          "groupId": "flowbook",
          "startFrom": "earliest",
          "bounded": false,
          "valueOnly": false,
          "maxOutOfOrdernessMs": 0,
          "fetchMaxWaitMs": 500,
          "fetchMaxBytesPerPartition": 262144,
          "partitionDiscoveryIntervalMs": 10000,
          "topic": "output",
          "batchSize": 500,
          "lingerMs": 50,
          "deliveryGuarantee": "at-least-once",
          "transactionTimeoutMs": 60000,
          "format": "json"
        }
      }
    },
    {
      "id": "sink:blackhole",
      "type": "sink",
      "connector": "blackhole",
      "label": "Blackhole",
      "group": "sinks",
      "description": "Discards every record (for benchmarks)",
      "inputs": 1,
      "outputs": 0,
      "keyed": "optional",
      "configSchema": {
        "type": "object",
        "properties": {
          "connector": {
            "type": "string",
            "const": "blackhole"
          },
          "config": {
            "type": "object",
            "properties": {}
          }
        },
        "required": [
          "connector",
          "config"
        ]
      },
      "defaults": {
        "connector": "blackhole",
        "config": {}
      }
    }
  ],
  "connectors": [
    {
      "name": "elements",
      "description": "A fixed list of elements (fromElements / fromCollection)",
      "source": true,
      "sink": false,
      "recordTimestamps": "timestamps",
      "configSchema": {
        "type": "object",
        "properties": {
          "elements": {
            "type": "array",
            "items": {}
          },
          "timestamps": {
            "type": "array",
            "items": {
              "type": "number"
            }
          }
        },
        "required": [
          "elements"
        ]
      }
    },
    {
      "name": "sales-generator",
      "description": "Generated sales lines (date,month,category,product,profit), as in the classic Flink example",
      "source": true,
      "sink": false,
      "recordTimestamps": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "ratePerSecond": {
            "default": 100,
            "type": "number",
            "minimum": 0
          },
          "count": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "seed": {
            "default": 42,
            "type": "integer",
            "minimum": -9007199254740991,
            "maximum": 9007199254740991
          }
        }
      }
    },
    {
      "name": "live",
      "description": "Shows records live in the notebook cell (chart or table)",
      "source": false,
      "sink": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "name": {
            "default": "result",
            "type": "string",
            "minLength": 1
          }
        }
      }
    },
    {
      "name": "print",
      "description": "Prints each record as a line in the cell output",
      "source": false,
      "sink": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "prefix": {
            "type": "string"
          }
        }
      }
    },
    {
      "name": "collect",
      "description": "Returns records to the program that runs the job (executeAndCollect)",
      "source": false,
      "sink": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "name": {
            "default": "collect",
            "type": "string"
          }
        }
      }
    },
    {
      "name": "nexmark",
      "description": "Nexmark auction events (persons, auctions, bids) for demos and benchmarks",
      "source": true,
      "sink": false,
      "recordTimestamps": true,
      "outputFields": [
        "person",
        "auction",
        "bid",
        "t"
      ],
      "configSchema": {
        "type": "object",
        "properties": {
          "seed": {
            "default": 1,
            "type": "integer",
            "minimum": -9007199254740991,
            "maximum": 9007199254740991
          },
          "eventsPerSecond": {
            "default": 10000,
            "type": "number",
            "exclusiveMinimum": 0
          },
          "ratePerSecond": {
            "default": 1000,
            "type": "number",
            "minimum": 0
          },
          "outOfOrdernessMs": {
            "default": 0,
            "type": "number",
            "minimum": 0,
            "x-flowbook": "duration"
          },
          "count": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          }
        }
      }
    },
    {
      "name": "socket-text",
      "description": "Lines of text from a TCP server (socketTextStream)",
      "source": true,
      "sink": false,
      "recordTimestamps": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "host": {
            "default": "localhost",
            "type": "string"
          },
          "port": {
            "type": "integer",
            "minimum": 1,
            "maximum": 65535,
            "description": "TCP port of the text server"
          },
          "delimiter": {
            "default": "\n",
            "type": "string",
            "minLength": 1
          },
          "maxRetry": {
            "default": -1,
            "type": "integer",
            "minimum": -1,
            "maximum": 9007199254740991
          },
          "retryDelayMs": {
            "default": 500,
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          }
        },
        "required": [
          "port"
        ]
      }
    },
    {
      "name": "postgres",
      "description": "Rows into a PostgreSQL table (exactly-once with checkpointing; insert or upsert)",
      "source": false,
      "sink": true,
      "fieldRefs": [
        "columns",
        "keyColumns"
      ],
      "configSchema": {
        "type": "object",
        "properties": {
          "url": {
            "type": "string"
          },
          "urlEnv": {
            "type": "string"
          },
          "table": {
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"
          },
          "columns": {
            "type": "array",
            "items": {
              "type": "string",
              "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"
            }
          },
          "mode": {
            "default": "insert",
            "type": "string",
            "enum": [
              "insert",
              "upsert"
            ]
          },
          "keyColumns": {
            "type": "array",
            "items": {
              "type": "string",
              "pattern": "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"
            }
          },
          "createTable": {
            "default": true,
            "type": "boolean"
          },
          "batchSize": {
            "default": 1000,
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "flushIntervalMs": {
            "default": 1000,
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          }
        },
        "required": [
          "table"
        ]
      }
    },
    {
      "name": "file",
      "description": "Records from a file or a directory: CSV, JSON Lines or text lines; can follow growing files",
      "source": true,
      "sink": false,
      "recordTimestamps": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "path": {
            "type": "string",
            "minLength": 1,
            "description": "A file, or a directory whose files are read in name order"
          },
          "format": {
            "default": "text",
            "type": "string",
            "enum": [
              "csv",
              "jsonl",
              "text"
            ]
          },
          "pattern": {
            "type": "string",
            "minLength": 1
          },
          "header": {
            "default": true,
            "type": "boolean"
          },
          "delimiter": {
            "default": ",",
            "type": "string",
            "minLength": 1
          },
          "inferTypes": {
            "default": true,
            "type": "boolean"
          },
          "follow": {
            "default": false,
            "type": "boolean"
          },
          "pollIntervalMs": {
            "default": 1000,
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "rate": {
            "type": "number",
            "exclusiveMinimum": 0
          }
        },
        "required": [
          "path"
        ]
      }
    },
    {
      "name": "file-sink",
      "description": "Writes JSON Lines or CSV part files to a directory, exactly once with checkpoints",
      "source": false,
      "sink": true,
      "fieldRefs": [
        "columns"
      ],
      "configSchema": {
        "type": "object",
        "properties": {
          "path": {
            "type": "string",
            "minLength": 1,
            "description": "Output directory (created if missing); one sink per directory and prefix"
          },
          "format": {
            "default": "jsonl",
            "type": "string",
            "enum": [
              "jsonl",
              "csv"
            ]
          },
          "prefix": {
            "default": "part",
            "type": "string",
            "pattern": "^[^./\\\\][^/\\\\]*$"
          },
          "suffix": {
            "type": "string",
            "pattern": "^[^/\\\\]*$"
          },
          "maxRecords": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "maxBytes": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "rolloverIntervalMs": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "header": {
            "default": true,
            "type": "boolean"
          },
          "columns": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "delimiter": {
            "default": ",",
            "type": "string",
            "minLength": 1
          }
        },
        "required": [
          "path"
        ]
      }
    },
    {
      "name": "mqtt",
      "description": "MQTT broker: subscribe to topics (source) or publish records (sink)",
      "source": true,
      "sink": true,
      "recordTimestamps": true,
      "outputFields": [
        "topic",
        "payload",
        "qos",
        "retain",
        "receivedAt"
      ],
      "outputFieldsUnless": "payloadOnly",
      "fieldRefs": [
        "payloadField"
      ],
      "configSchema": {
        "type": "object",
        "properties": {
          "url": {
            "default": "mqtt://127.0.0.1:1883",
            "description": "Broker URL (mqtt://, mqtts://, ws://, wss://)",
            "type": "string",
            "pattern": "^(mqtts?|wss?|tcp|ssl):\\/\\/."
          },
          "clientId": {
            "description": "Client id; required for persistent sessions (clean: false). Random when omitted",
            "type": "string",
            "minLength": 1
          },
          "username": {
            "type": "string"
          },
          "password": {
            "type": "string"
          },
          "protocolVersion": {
            "default": 4,
            "description": "4 = MQTT 3.1.1, 5 = MQTT 5",
            "anyOf": [
              {
                "type": "number",
                "const": 4
              },
              {
                "type": "number",
                "const": 5
              }
            ]
          },
          "qos": {
            "default": 1,
            "description": "Source: subscription QoS; sink: publish QoS. 0 at most once, 1 at least once, 2 exactly once between client and broker",
            "anyOf": [
              {
                "type": "number",
                "const": 0
              },
              {
                "type": "number",
                "const": 1
              },
              {
                "type": "number",
                "const": 2
              }
            ]
          },
          "format": {
            "default": "json",
            "description": "Payload encoding: JSON, UTF-8 text, or raw bytes (Uint8Array)",
            "type": "string",
            "enum": [
              "json",
              "string",
              "bytes"
            ]
          },
          "connectTimeoutMs": {
            "default": 10000,
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "reconnectPeriodMs": {
            "default": 1000,
            "description": "Delay between reconnect attempts",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "maxReconnects": {
            "default": -1,
            "description": "Failed reconnect attempts in a row before the job fails; -1 retries forever",
            "type": "integer",
            "minimum": -1,
            "maximum": 9007199254740991
          },
          "topics": {
            "minItems": 1,
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Topic filters to subscribe to; + and # wildcards allowed"
          },
          "clean": {
            "default": true,
            "description": "false keeps a persistent session: with a fixed clientId and qos ≥ 1 the broker queues messages while the job is down",
            "type": "boolean"
          },
          "sessionExpirySeconds": {
            "default": 86400,
            "description": "MQTT 5 only: how long the broker keeps a persistent session after the job disconnects",
            "type": "integer",
            "minimum": 0,
            "maximum": 9007199254740991
          },
          "payloadOnly": {
            "default": false,
            "description": "Emit only the decoded payload instead of { topic, payload, qos, retain, receivedAt }",
            "type": "boolean"
          },
          "topic": {
            "description": "Topic to publish to; also the fallback when topicField is missing from a record",
            "type": "string"
          },
          "topicField": {
            "description": "Publish each record to the topic named by this field of the record",
            "type": "string",
            "minLength": 1
          },
          "payloadField": {
            "description": "Publish only this field of the record (e.g. payload of records read from MQTT)",
            "type": "string",
            "minLength": 1
          },
          "retain": {
            "default": false,
            "type": "boolean"
          },
          "flushTimeoutMs": {
            "default": 30000,
            "description": "How long the end of the job waits for unacknowledged publishes before failing",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          }
        }
      }
    },
    {
      "name": "iot-sensors",
      "description": "Generated IoT sensor readings (temperature, humidity) with optional out-of-order, late and malformed readings",
      "source": true,
      "sink": false,
      "recordTimestamps": true,
      "outputFields": [
        "sensorId",
        "site",
        "temperature",
        "humidity",
        "timestamp"
      ],
      "configSchema": {
        "type": "object",
        "properties": {
          "seed": {
            "default": 42,
            "type": "integer",
            "minimum": -9007199254740991,
            "maximum": 9007199254740991
          },
          "sensors": {
            "default": 10,
            "type": "integer",
            "minimum": 1,
            "maximum": 100000
          },
          "sites": {
            "default": 3,
            "type": "integer",
            "minimum": 1,
            "maximum": 1000
          },
          "eventsPerSecond": {
            "default": 10,
            "description": "Readings per second of event time, over all sensors",
            "type": "number",
            "exclusiveMinimum": 0
          },
          "ratePerSecond": {
            "description": "Wall-clock rate limit; defaults to eventsPerSecond (real time); 0 = as fast as possible",
            "type": "number",
            "minimum": 0
          },
          "startTime": {
            "default": 1700000000000,
            "description": "Event time of the first reading: epoch ms, or 'now' (fixed at the first start and kept in checkpoints)",
            "anyOf": [
              {
                "type": "integer",
                "minimum": -9007199254740991,
                "maximum": 9007199254740991
              },
              {
                "type": "string",
                "const": "now"
              }
            ]
          },
          "outOfOrderFraction": {
            "default": 0,
            "description": "Share of readings older than the newest so far, by at most maxOutOfOrdernessMs",
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "maxOutOfOrdernessMs": {
            "default": 2000,
            "type": "integer",
            "minimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "lateFraction": {
            "default": 0,
            "description": "Share of readings older than newest − maxOutOfOrdernessMs: late for a watermark with that bound",
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "maxLatenessMs": {
            "default": 60000,
            "description": "Late readings lie up to this far beyond maxOutOfOrdernessMs",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "malformedFraction": {
            "default": 0,
            "description": "Share of readings whose temperature is null or an error string",
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "count": {
            "description": "Stop after this many readings (bounded); omit for an endless stream",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          }
        }
      }
    },
    {
      "name": "kafka",
      "description": "Apache Kafka topics: source with per-partition watermarks and checkpointed offsets, at-least-once or exactly-once sink",
      "source": true,
      "sink": true,
      "emitsWatermarks": true,
      "recordTimestamps": true,
      "outputFields": [
        "topic",
        "partition",
        "offset",
        "key",
        "value",
        "headers",
        "timestamp"
      ],
      "outputFieldsUnless": "valueOnly",
      "fieldRefs": [
        "keyField"
      ],
      "configSchema": {
        "type": "object",
        "properties": {
          "brokers": {
            "minItems": 1,
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            },
            "description": "bootstrap servers, host:port (an entry may list several, comma-separated)"
          },
          "clientId": {
            "default": "flowbook",
            "type": "string",
            "minLength": 1
          },
          "ssl": {
            "anyOf": [
              {
                "type": "boolean"
              },
              {
                "type": "object",
                "properties": {
                  "rejectUnauthorized": {
                    "type": "boolean"
                  },
                  "ca": {
                    "description": "PEM CA certificate(s)",
                    "anyOf": [
                      {
                        "type": "string"
                      },
                      {
                        "type": "array",
                        "items": {
                          "type": "string"
                        }
                      }
                    ]
                  },
                  "cert": {
                    "description": "PEM client certificate",
                    "type": "string"
                  },
                  "key": {
                    "description": "PEM client key",
                    "type": "string"
                  },
                  "passphrase": {
                    "type": "string"
                  },
                  "servername": {
                    "type": "string"
                  }
                },
                "additionalProperties": {}
              }
            ]
          },
          "sasl": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "mechanism": {
                    "type": "string",
                    "const": "plain"
                  },
                  "username": {
                    "type": "string"
                  },
                  "password": {
                    "type": "string"
                  }
                },
                "required": [
                  "mechanism",
                  "username",
                  "password"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "mechanism": {
                    "type": "string",
                    "const": "scram-sha-256"
                  },
                  "username": {
                    "type": "string"
                  },
                  "password": {
                    "type": "string"
                  }
                },
                "required": [
                  "mechanism",
                  "username",
                  "password"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "mechanism": {
                    "type": "string",
                    "const": "scram-sha-512"
                  },
                  "username": {
                    "type": "string"
                  },
                  "password": {
                    "type": "string"
                  }
                },
                "required": [
                  "mechanism",
                  "username",
                  "password"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "mechanism": {
                    "type": "string",
                    "const": "aws"
                  },
                  "authorizationIdentity": {
                    "type": "string"
                  },
                  "accessKeyId": {
                    "type": "string"
                  },
                  "secretAccessKey": {
                    "type": "string"
                  },
                  "sessionToken": {
                    "type": "string"
                  }
                },
                "required": [
                  "mechanism",
                  "authorizationIdentity",
                  "accessKeyId",
                  "secretAccessKey"
                ]
              }
            ]
          },
          "connectionTimeoutMs": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "requestTimeoutMs": {
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "logLevel": {
            "default": "warn",
            "type": "string",
            "enum": [
              "nothing",
              "error",
              "warn",
              "info",
              "debug"
            ]
          },
          "topics": {
            "description": "source: topics to read (or topicPattern)",
            "minItems": 1,
            "type": "array",
            "items": {
              "type": "string",
              "minLength": 1
            }
          },
          "topicPattern": {
            "description": "source: regular expression matching whole topic names (topics that exist when the job starts)",
            "type": "string",
            "minLength": 1
          },
          "groupId": {
            "description": "source (required): consumer group, for partition assignment and committed offsets",
            "type": "string",
            "minLength": 1
          },
          "startFrom": {
            "default": "earliest",
            "description": "source: where to start without a checkpoint",
            "anyOf": [
              {
                "type": "string",
                "enum": [
                  "earliest",
                  "latest",
                  "committed"
                ]
              },
              {
                "type": "object",
                "properties": {
                  "timestamp": {
                    "type": "number",
                    "description": "epoch ms: the first offset whose record timestamp is >= this"
                  }
                },
                "required": [
                  "timestamp"
                ]
              }
            ]
          },
          "bounded": {
            "default": false,
            "description": "source: stop at the end offsets the partitions have when the job starts",
            "type": "boolean"
          },
          "valueOnly": {
            "default": false,
            "description": "source: emit the value alone instead of { topic, partition, offset, key, value, headers, timestamp }",
            "type": "boolean"
          },
          "timestampField": {
            "description": "source: event time from this field of a JSON value (epoch ms or ISO date) instead of the Kafka timestamp",
            "type": "string",
            "minLength": 1
          },
          "maxOutOfOrdernessMs": {
            "default": 0,
            "description": "source: per-partition watermark = max timestamp − this − 1; the source emits the minimum over partitions",
            "type": "integer",
            "minimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "idlenessMs": {
            "description": "source: a partition without records for this long leaves the watermark minimum",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          },
          "fetchMaxWaitMs": {
            "default": 500,
            "description": "source: longest a fetch waits on the broker (bounds how long cancelling takes)",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "fetchMaxBytesPerPartition": {
            "default": 262144,
            "description": "source: most bytes one fetch returns per partition",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "partitionDiscoveryIntervalMs": {
            "default": 10000,
            "description": "source: how often to look for partitions added to the topics (not in bounded mode)",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "sessionTimeoutMs": {
            "description": "source: ignored (the source reads assigned partitions, it does not join the group)",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "topic": {
            "description": "sink (required): topic to write to",
            "type": "string",
            "minLength": 1
          },
          "keyField": {
            "description": "sink: record key from this field of the value",
            "type": "string",
            "minLength": 1
          },
          "keySelector": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          },
          "batchSize": {
            "default": 500,
            "description": "sink: records per produce request",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "lingerMs": {
            "default": 50,
            "description": "sink: a partial batch is sent after this many ms",
            "type": "integer",
            "minimum": 0,
            "maximum": 9007199254740991
          },
          "deliveryGuarantee": {
            "default": "at-least-once",
            "description": "sink: exactly-once writes each checkpoint interval in a Kafka transaction, committed when the checkpoint completes",
            "type": "string",
            "enum": [
              "at-least-once",
              "exactly-once",
              "none"
            ]
          },
          "transactionalIdPrefix": {
            "description": "sink (exactly-once): transactional.id = <prefix>-<subtask index>; unique per job writing to the cluster",
            "type": "string",
            "minLength": 1,
            "pattern": "^[\\w.-]+$"
          },
          "transactionTimeoutMs": {
            "default": 60000,
            "description": "sink (exactly-once): transaction.timeout.ms; longer than the checkpoint interval plus a restart, at most the broker's transaction.max.timeout.ms",
            "type": "integer",
            "exclusiveMinimum": 0,
            "maximum": 9007199254740991
          },
          "format": {
            "default": "json",
            "description": "value format: json, string or bytes",
            "type": "string",
            "enum": [
              "json",
              "string",
              "bytes"
            ]
          }
        },
        "required": [
          "brokers"
        ]
      }
    },
    {
      "name": "function",
      "description": "An inline SourceFunction (env.addSource): run(ctx) emits with ctx.collect / collectWithTimestamp / emitWatermark; cancel() stops it",
      "source": true,
      "sink": false,
      "emitsWatermarks": true,
      "configSchema": {
        "type": "object",
        "properties": {
          "fn": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "minLength": 1
              },
              "ref": {
                "type": "string"
              }
            },
            "required": [
              "code"
            ],
            "x-flowbook": "fn"
          }
        },
        "required": [
          "fn"
        ]
      }
    },
    {
      "name": "datagen",
      "description": "Random or sequence rows for a table's columns (Flink SQL's datagen)",
      "source": true,
      "sink": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "fields": {
            "minItems": 1,
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "type": {
                  "type": "string"
                },
                "options": {
                  "type": "object",
                  "properties": {
                    "kind": {
                      "default": "random",
                      "type": "string",
                      "enum": [
                        "random",
                        "sequence"
                      ]
                    },
                    "min": {
                      "type": "number"
                    },
                    "max": {
                      "type": "number"
                    },
                    "length": {
                      "type": "integer",
                      "exclusiveMinimum": 0,
                      "maximum": 9007199254740991
                    },
                    "start": {
                      "type": "number"
                    },
                    "end": {
                      "type": "number"
                    }
                  }
                }
              },
              "required": [
                "name",
                "type"
              ]
            }
          },
          "rowsPerSecond": {
            "default": 10000,
            "type": "number",
            "exclusiveMinimum": 0
          },
          "numberOfRows": {
            "type": "integer",
            "minimum": 0,
            "maximum": 9007199254740991
          },
          "seed": {
            "type": "integer",
            "minimum": -9007199254740991,
            "maximum": 9007199254740991
          }
        },
        "required": [
          "fields"
        ]
      }
    },
    {
      "name": "blackhole",
      "description": "Discards every record (for benchmarks)",
      "source": false,
      "sink": true,
      "configSchema": {
        "type": "object",
        "properties": {}
      }
    },
    {
      "name": "flink-sql-gateway",
      "description": "Runs SQL on an Apache Flink cluster through its SQL Gateway and emits the changelog of the query",
      "source": true,
      "sink": false,
      "configSchema": {
        "type": "object",
        "properties": {
          "url": {
            "type": "string",
            "format": "uri"
          },
          "statements": {
            "minItems": 1,
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "text": {
                  "type": "string",
                  "minLength": 1
                },
                "line": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 9007199254740991
                }
              },
              "required": [
                "text",
                "line"
              ]
            }
          },
          "catalog": {
            "default": [],
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "properties": {
            "default": {},
            "type": "object",
            "propertyNames": {
              "type": "string"
            },
            "additionalProperties": {
              "type": "string"
            }
          },
          "jobName": {
            "type": "string"
          },
          "pollIntervalMs": {
            "default": 200,
            "type": "integer",
            "minimum": 10,
            "maximum": 9007199254740991,
            "x-flowbook": "duration"
          }
        },
        "required": [
          "url",
          "statements"
        ]
      }
    }
  ]
};
