// Reading a trainer's JSON config file (kept apart from config.ts, which browsers load too).

import { readFileSync } from 'node:fs';
import { ConfigError } from '../model/config';

/** Reads a JSON config file (keys as in TrainConfig), naming the file when it does not parse. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file} cannot be read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${file} does not parse as JSON: ${(e as Error).message}`);
  }
}
