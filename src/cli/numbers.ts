// Option value parsers for commander: strict decimal integers, clear messages.
import { InvalidArgumentError } from '@commander-js/extra-typings';

/** A positive decimal integer (no sign, no exponent, no hex). */
export function positiveInt(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(value);
}

/** Seconds: a positive decimal number. */
export function positiveSeconds(value: string): number {
  if (!/^(?:\d{1,7})(?:\.\d{1,3})?$/.test(value) || Number(value) <= 0)
    throw new InvalidArgumentError('must be a number of seconds above 0');
  return Number(value);
}
