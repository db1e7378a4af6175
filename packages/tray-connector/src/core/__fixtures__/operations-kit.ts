// Test helpers for verify (core and executor): connector zips with operations and their schemas, and a
// deployment to the emulator that waits until it is Deployed (so its Connectivity listing answers).
import axios from 'axios';
import * as fs from 'fs';
import type { Emulator } from 'tray-api-emulator';
import { writeConnectorZip } from './deploy-kit';

export interface TestOperation {
  title?: string;
  description?: string;
  input: unknown;
  output: unknown;
}

export const CONTACT_INPUT = {
  type: 'object',
  properties: { id: { type: 'string' }, limit: { type: 'number' } },
  additionalProperties: false,
  required: ['id'],
  $schema: 'http://json-schema.org/draft-07/schema#',
  advanced: [],
};
export const CONTACT_OUTPUT = {
  type: 'object',
  properties: { id: { type: 'string' }, email: { type: 'string' } },
  additionalProperties: false,
  required: ['id', 'email'],
  $schema: 'http://json-schema.org/draft-07/schema#',
  advanced: [],
};

/** `get_contact` with CONTACT_INPUT/CONTACT_OUTPUT, changed by `overrides`. */
export function contactOperations(overrides: Partial<TestOperation> = {}): Record<string, TestOperation> {
  return { get_contact: { title: 'Get contact', description: 'By id', input: CONTACT_INPUT, output: CONTACT_OUTPUT, ...overrides } };
}

/** Writes a connector zip whose src/<operation>/ folders hold operation.json, input.json and output.json. */
export function writeOperationsZip(file: string, name: string, version: string, operations: Record<string, TestOperation>): string {
  const extra: Record<string, string> = {};
  for (const [folder, op] of Object.entries(operations)) {
    extra[`src/${folder}/operation.json`] = JSON.stringify({ name: folder, title: op.title ?? folder, description: op.description ?? '' });
    extra[`src/${folder}/input.json`] = JSON.stringify(op.input);
    extra[`src/${folder}/output.json`] = JSON.stringify(op.output);
  }
  return writeConnectorZip(file, { name, version, extra });
}

/** POSTs the zip to the emulator's deploy endpoint of `region` and waits until that deployment is Deployed. */
export async function deployToEmulator(emu: Emulator, region: 'us' | 'eu' | 'apac', name: string, version: string, zipPath: string): Promise<void> {
  const res = await axios.post(
    `${emu.urlFor(region)}/cdk/v1/deployments/connectors/${name}/versions/${version}/deploy-connector-from-source`,
    { connectorSourceCode: fs.readFileSync(zipPath).toString('base64') },
    { headers: { Authorization: `Bearer ${emu.tokens[region]}` }, proxy: false },
  );
  while (emu.deployments.find((d) => d.id === res.data.id)?.status !== 'Deployed') await new Promise((r) => setTimeout(r, 10));
}
