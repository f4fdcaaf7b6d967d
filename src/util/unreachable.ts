// Exhaustiveness guard for switches on discriminated unions.
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
