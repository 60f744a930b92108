/** Parsers for command-line option values, raising one-line user errors. */
import { InvalidArgumentError } from 'commander';
import { BACKENDS, type BackendRequest } from '../engine/vocabulary';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0–65535.');
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

export function parseBackend(value: string): BackendRequest {
  if (!(BACKENDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}.`);
  return value as BackendRequest;
}
