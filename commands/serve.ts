import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';

export default class ServeCommand extends BaseCommand<typeof ServeCommand> {
  static override summary = 'Start a Kafka-protocol broker (combined broker and controller).';
  // One line per paragraph: oclif wraps them to the terminal itself.
  static override description = [
    "Any Kafka client can connect to it. Data is kept in the platform's data folder unless --data-dir or --ephemeral says otherwise. Broker configs take Kafka's names (server.properties), from --config key=value, or from a properties file with --config-file.",
    "Listeners are Kafka's: --listeners NAME://host:port,… (an empty host is every interface, port 0 a free port), --advertised-listeners for the address clients are told per listener name, and listener.security.protocol.map for names other than PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (only PLAINTEXT is served so far). A listener without an advertised address advertises its own.",
    "--host, --port and --advertised-host set the first listener and win over its entry in --listeners. Each setting is read from its flag, else its GREGOR_* variable, else the properties file.",
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --ephemeral --port 19092',
    '<%= config.bin %> serve --config auto.create.topics.enable=false --config num.partitions=3',
    '<%= config.bin %> serve --config-file server.properties --data-dir ./data',
    '<%= config.bin %> serve --listeners PLAINTEXT://:9092,DOCKER://:29092 --advertised-listeners PLAINTEXT://localhost:9092,DOCKER://gregor:29092 --config listener.security.protocol.map=PLAINTEXT:PLAINTEXT,DOCKER:PLAINTEXT',
  ];
  static override flags = {
    host: Flags.string({ description: 'Address the first listener binds [env: GREGOR_HOST] (default 127.0.0.1)' }),
    port: Flags.integer({ description: 'Port of the first listener, 0 for any free port [env: GREGOR_PORT] (default 9092)' }),
    'advertised-host': Flags.string({ description: 'Host name clients of the first listener are told to connect to [env: GREGOR_ADVERTISED_HOST]' }),
    listeners: Flags.string({ description: 'Listeners, NAME://host:port,… (Kafka\'s listeners) [env: GREGOR_LISTENERS] (default PLAINTEXT://127.0.0.1:9092)' }),
    'advertised-listeners': Flags.string({ description: 'Addresses clients are told, NAME://host:port,… (Kafka\'s advertised.listeners) [env: GREGOR_ADVERTISED_LISTENERS]' }),
    'data-dir': Flags.string({ description: 'Folder for logs and metadata [env: GREGOR_DATA_DIR]' }),
    ephemeral: Flags.boolean({ description: 'Keep data in a temporary folder removed at exit (for CI) [env: GREGOR_EPHEMERAL]' }),
    'log-level': Flags.string({ description: 'error, warn, info or debug [env: GREGOR_LOG_LEVEL] (default info)' }),
    config: Flags.string({ char: 'c', multiple: true, description: 'A broker config in Kafka\'s name, key=value (repeatable)' }),
    'config-file': Flags.string({ description: 'A server.properties file [env: GREGOR_CONFIG_FILE]' }),
  };

  public async run(): Promise<void> {
    const { resolveServeOptions } = await import('../src/broker/serve-options.js');
    const { serve } = await import('../src/broker/serve.js');
    const server = await serve(resolveServeOptions(this.flags));
    this.log(server.banner);
    await server.closed;
  }
}
