#!/usr/bin/env node
import * as fs from 'fs';
import { startEmulator, EMULATOR_REGIONS, type Emulator, type EmulatorOptions } from './emulator';

const USAGE = `usage: tray-api-emulator [--port 4010] [--host 127.0.0.1]
                         [--token-us X] [--token-eu Y] [--token-apac Z]
                         [--deploy-delay-ms N] [--building-after-ms N] [--rate-limit N]
                         [--record FILE]

Serves Tray's CDK deployment API for every region under one URL:
  <url>/us  <url>/eu  <url>/apac   (a path without a region prefix counts as us)
GET <url>/__emulator/requests returns the record (requests, deployments, shares) as JSON;
its "rates" give the most requests seen in any second, per region and overall.
--deploy-delay-ms N: how long a deployment runs before it ends Deployed (default 200).
--rate-limit N: answer 429 with Retry-After past N requests in any second, per region.
With --record FILE the record is also written to FILE on SIGTERM/SIGINT.`;

export function parseArgs(argv: string[]): EmulatorOptions & { record?: string; help?: boolean } {
  const out: EmulatorOptions & { record?: string; help?: boolean } = { tokens: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    switch (key) {
      case '--port':
        out.port = toInt(key, value());
        break;
      case '--host':
        out.host = value();
        break;
      case '--deploy-delay-ms':
        out.deployDelayMs = toInt(key, value());
        break;
      case '--building-after-ms':
        out.buildingAfterMs = toInt(key, value());
        break;
      case '--rate-limit':
        out.rateLimit = { perSecond: toInt(key, value()) };
        break;
      case '--record':
        out.record = value();
        break;
      case '--token-us':
      case '--token-eu':
      case '--token-apac':
        out.tokens![key.slice('--token-'.length) as 'us' | 'eu' | 'apac'] = value();
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return out;
}

function toInt(key: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key} must be a whole number >= 0, got ${v}`);
  return n;
}

/**
 * What the emulator prints on start: its URLs, then the export lines to paste into the shell that runs
 * nx (the emulator's tokens are made up for it and guard nothing real).
 */
export function startupLines(emulator: Pick<Emulator, 'url' | 'urlFor' | 'tokens'>, record?: string): string[] {
  const lines = [`tray-api-emulator listening on ${emulator.url}`];
  for (const region of EMULATOR_REGIONS) lines.push(`  ${region.padEnd(4)} ${emulator.urlFor(region)}`);
  lines.push(`  record: GET ${emulator.url}/__emulator/requests${record ? `, and ${record} on exit` : ''}`);
  lines.push('', 'To deploy to it, paste into the shell that runs nx:');
  for (const region of EMULATOR_REGIONS) {
    const upper = region.toUpperCase();
    lines.push(`export TRAY_API_URL_${upper}=${emulator.urlFor(region)} TRAY_API_TOKEN_${upper}=${emulator.tokens[region]}`);
  }
  return lines;
}

async function main() {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`tray-api-emulator: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const { record, help: _help, ...options } = args;
  const emulator = await startEmulator(options);
  console.log(startupLines(emulator, record).join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (record) fs.writeFileSync(record, JSON.stringify(emulator.snapshot(), null, 2));
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`tray-api-emulator: ${(e as Error).message}`);
    process.exit(1);
  });
}
