import type { Flotilla, KeyValue } from '@flotilla/client';
import { bytesField, displayBytes } from './bytes-output.js';
import type { Command, OutputFormat } from './command-line.js';
import type { CliIo } from './cli-io.js';
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { print } from './output.js';

type KvCommand = Extract<Command, { readonly name: 'put' | 'get' | 'del' | 'scan' }>;

const utf8 = new TextEncoder();

const keyValueJson = (item: KeyValue) => ({
  ...bytesField('key', item.key),
  ...bytesField('value', item.value),
  create_revision: item.createRevision,
  mod_revision: item.modRevision,
  version: item.version,
});

export const runKvCommand = async (client: Flotilla, command: KvCommand, format: OutputFormat, io: CliIo): Promise<ExitCode> => {
  switch (command.name) {
    case 'put': {
      const value = command.value === undefined ? await io.readStdin() : utf8.encode(command.value);
      const result = await client.put(command.key, value, command.ifRevision === undefined ? {} : { ifRevision: command.ifRevision });
      print(io, format, {
        json: {
          key: command.key,
          revision: result.revision,
          create_revision: result.createRevision,
          mod_revision: result.modRevision,
          version: result.version,
        },
        table: {
          headers: ['KEY', 'REVISION', 'CREATE_REV', 'MOD_REV', 'VERSION'],
          rows: [[command.key, String(result.revision), String(result.createRevision), String(result.modRevision), String(result.version)]],
        },
      });
      return EXIT.OK;
    }
    case 'get': {
      const found = await client.get(command.key, { consistency: command.consistency });
      if (found === undefined) {
        io.stderr(`flotilla: key not found: ${command.key}\n`);
        return EXIT.NOT_FOUND;
      }
      if (command.printValueOnly) {
        io.stdout(found.value);
        io.stdout('\n');
        return EXIT.OK;
      }
      print(io, format, {
        json: keyValueJson(found),
        table: {
          headers: ['KEY', 'VALUE', 'CREATE_REV', 'MOD_REV', 'VERSION'],
          rows: [[displayBytes(found.key), displayBytes(found.value), String(found.createRevision), String(found.modRevision), String(found.version)]],
        },
      });
      return EXIT.OK;
    }
    case 'del': {
      const result = await client.delete(command.key, command.ifRevision === undefined ? {} : { ifRevision: command.ifRevision });
      print(io, format, {
        json: { key: command.key, deleted: result.deleted, revision: result.revision },
        table: { headers: ['KEY', 'DELETED', 'REVISION'], rows: [[command.key, String(result.deleted), String(result.revision)]] },
      });
      return result.deleted ? EXIT.OK : EXIT.NOT_FOUND;
    }
    case 'scan': {
      const scanned = await client.scan(command.prefix, {
        consistency: command.consistency,
        ...(command.limit === undefined ? {} : { limit: command.limit }),
      });
      const rows = scanned.items.map((item) =>
        command.keysOnly
          ? [displayBytes(item.key)]
          : [displayBytes(item.key), displayBytes(item.value), String(item.modRevision), String(item.version)],
      );
      print(io, format, {
        json: {
          items: scanned.items.map((item) => (command.keysOnly ? bytesField('key', item.key) : keyValueJson(item))),
          more: scanned.more,
        },
        table: { headers: command.keysOnly ? ['KEY'] : ['KEY', 'VALUE', 'MOD_REV', 'VERSION'], rows },
      });
      if (scanned.more && format === 'table') io.stderr('flotilla: more keys match; raise --limit (at most 10000) to see them\n');
      return EXIT.OK;
    }
  }
};
