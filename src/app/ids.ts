import { createHash, randomBytes } from 'node:crypto';

/** Random, unguessable identifiers: a buyer must not be able to guess another's order id. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
