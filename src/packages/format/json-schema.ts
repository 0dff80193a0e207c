/**
 * docs/package-metadata.schema.json, generated from PackageMetadataSchema with zod 4's z.toJSONSchema.
 * Regenerate: node_modules/.bin/tsx src/packages/format/json-schema.ts (a test fails when it is stale).
 * Refinements (USCC / project-code / building-code check characters) cannot be expressed in JSON Schema;
 * the patterns are, and the checks are in the zod schema and the packer.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PackageMetadataSchema } from './schema.ts';

export const JSON_SCHEMA_ID = 'https://dangan.example/schemas/package-metadata-1.0.json';
export const JSON_SCHEMA_FILE = fileURLToPath(new URL('../../../docs/package-metadata.schema.json', import.meta.url));

export function packageMetadataJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PackageMetadataSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, $id: JSON_SCHEMA_ID, title: 'Dangan 报送包元数据 / submission package metadata (data/metadata.json)' };
}

export const jsonSchemaText = (): string => `${JSON.stringify(packageMetadataJsonSchema(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(JSON_SCHEMA_FILE, jsonSchemaText());
  process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
}
