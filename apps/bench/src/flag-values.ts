// Checked conversions of command-line flag text, shared by the bench and compare parsers so
// that every bad value is refused with the flag's name and the accepted range.
import { UsageError } from './usage-error.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export function parseIntegerFlag(flag: string, text: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer in [${min}, ${max}], got '${text}'`);
  }
  return value;
}

export function parseNumberFlag(flag: string, text: string, min: number, max: number): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a number in [${min}, ${max}], got '${text}'`);
  }
  return value;
}

export function parseChoiceFlag<const Choice extends string>(flag: string, text: string, choices: readonly Choice[]): Choice {
  const choice = choices.find((candidate) => candidate === text);
  if (choice === undefined) {
    throw new UsageError(`--${flag} must be one of ${choices.join('|')}, got '${text}'`);
  }
  return choice;
}

/** `host:port,host:port`; at least one, no duplicates. */
export function parseEndpointsFlag(flag: string, text: string): Endpoint[] {
  const endpoints = text.split(',').map((item) => {
    const separator = item.lastIndexOf(':');
    const host = item.slice(0, separator).trim();
    if (separator <= 0 || host === '') {
      throw new UsageError(`--${flag} takes host:port[,host:port...], got '${item}'`);
    }
    return { host, port: parseIntegerFlag(flag, item.slice(separator + 1), 1, 65_535) };
  });
  const distinct = new Set(endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`));
  if (distinct.size !== endpoints.length) throw new UsageError(`--${flag} lists an endpoint twice: '${text}'`);
  return endpoints;
}
