// Produces JSON Lines as Confluent Avro with Confluent's JavaScript clients: @confluentinc/schemaregistry
// registers the schema (subject <topic>-value) and serializes in the Confluent wire format,
// @confluentinc/kafka-javascript (librdkafka) sends. Nothing here is Reckon's code: it is what a team
// producing to Reckon from Node.js would write.
//
//   node produce-avro.mjs <bootstrap> <registry-url> <topic> <schema.avsc> <records.jsonl>
//
// Each line is {"key": "...", "value": {...}} with the value as JSON: decimals as strings ("12.5"),
// timestamps as ISO-8601 strings; both are turned into their Avro forms by the schema.
import { readFileSync } from 'node:fs';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';

const [bootstrap, registryUrl, topic, schemaFile, recordsFile] = process.argv.slice(2);
if (!recordsFile) {
  console.error('usage: node produce-avro.mjs <bootstrap> <registry-url> <topic> <schema.avsc> <records.jsonl>');
  process.exit(2);
}
const schemaText = readFileSync(schemaFile, 'utf8');
const schema = JSON.parse(schemaText);

/** The unscaled value of a decimal string as big-endian two's complement bytes (Avro's decimal). */
function decimalBytes(text, scale) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text).trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const fraction = (m[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} fractional digits`);
  let unscaled = BigInt(m[2] + fraction) * (m[1] === '-' ? -1n : 1n);
  const bytes = [];
  do {
    bytes.unshift(Number(unscaled & 0xffn));
    unscaled >>= 8n;
  } while (!((unscaled === 0n && (bytes[0] & 0x80) === 0) || (unscaled === -1n && (bytes[0] & 0x80) !== 0)));
  return Buffer.from(bytes);
}

/** A JSON value in the form avsc expects for an Avro type of the schema. */
function toAvro(type, value, names) {
  if (Array.isArray(type)) {
    if (value === null || value === undefined) return null;
    const branch = type.find((t) => t !== 'null');
    return toAvro(branch, value, names);
  }
  if (typeof type === 'string') {
    return names.has(type) ? toAvro(names.get(type), value, names) : value;
  }
  if (type.logicalType === 'decimal') return decimalBytes(value, type.scale ?? 0);
  if (type.logicalType === 'timestamp-millis') return typeof value === 'number' ? value : Date.parse(value);
  switch (type.type) {
    case 'record': {
      names.set(type.name, type);
      if (type.namespace) names.set(`${type.namespace}.${type.name}`, type);
      const out = {};
      for (const field of type.fields) {
        if (value[field.name] === undefined && 'default' in field) {
          out[field.name] = field.default;
        } else {
          out[field.name] = toAvro(field.type, value[field.name], names);
        }
      }
      return out;
    }
    case 'array':
      return value.map((v) => toAvro(type.items, v, names));
    case 'map':
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAvro(type.values, v, names)]));
    default:
      return value;
  }
}

const registry = new SchemaRegistryClient({ baseURLs: [registryUrl] });
const subject = `${topic}-value`;
const id = await registry.register(subject, { schemaType: 'AVRO', schema: schemaText });
const serializer = new AvroSerializer(registry, SerdeType.VALUE, { useLatestVersion: true });

const producer = new KafkaJS.Kafka({ kafkaJS: { brokers: [bootstrap] } }).producer();
await producer.connect();
const lines = readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
const messages = [];
for (const line of lines) {
  const { key, value } = JSON.parse(line);
  messages.push({ key, value: await serializer.serialize(topic, toAvro(schema, value, new Map())) });
}
await producer.send({ topic, messages });
await producer.disconnect();
console.log(`produced ${messages.length} record(s) to ${topic} with schema id ${id} (subject ${subject})`);
