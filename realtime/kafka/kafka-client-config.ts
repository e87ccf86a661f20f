// Druid's Kafka consumerProperties mapped onto a kafkajs client config: brokers, client id, TLS and
// SASL (PLAIN and SCRAM, with credentials from sasl.jaas.config or sasl.username/sasl.password).
import kafkajs from 'kafkajs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { invalidInput } from '../../cluster/errors.js';

const { logLevel } = kafkajs;

function jaasValue(jaas: string, name: string): string | undefined {
  return new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1];
}

function saslOf(properties: Readonly<Record<string, string>>): SASLOptions | undefined {
  const protocol = (properties['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!protocol.startsWith('SASL')) return undefined;
  const mechanism = (properties['sasl.mechanism'] ?? 'PLAIN').toUpperCase();
  const jaas = properties['sasl.jaas.config'] ?? '';
  const username = properties['sasl.username'] ?? jaasValue(jaas, 'username') ?? '';
  const password = properties['sasl.password'] ?? jaasValue(jaas, 'password') ?? '';
  if (mechanism === 'PLAIN') return { mechanism: 'plain', username, password };
  if (mechanism === 'SCRAM-SHA-256') return { mechanism: 'scram-sha-256', username, password };
  if (mechanism === 'SCRAM-SHA-512') return { mechanism: 'scram-sha-512', username, password };
  throw invalidInput('spec.ioConfig.consumerProperties.sasl.mechanism', `'${mechanism}' is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)`);
}

/** The kafkajs client config for a supervisor's consumer properties. */
export function kafkaClientConfig(properties: Readonly<Record<string, string>>, clientId: string): KafkaConfig {
  const brokers = properties['bootstrap.servers']!.split(',').map((server) => server.trim()).filter((server) => server !== '');
  const protocol = (properties['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  const sasl = saslOf(properties);
  return {
    clientId: properties['client.id'] ?? clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    ssl: protocol === 'SSL' || protocol === 'SASL_SSL',
    ...(sasl === undefined ? {} : { sasl }),
    retry: { initialRetryTime: 100, retries: 8 },
    connectionTimeout: 3_000,
  };
}
