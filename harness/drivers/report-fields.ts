import type { WorkResult } from './driver.ts';

/**
 * The optional fields of a client's report, as every driver reads them (a JSON line, a trigger's
 * JSON answer, a module's returned object): wrong types are dropped, never guessed at.
 */
export function reportFields(value: Record<string, unknown>): Pick<WorkResult, 'status' | 'error' | 'url' | 'subject' | 'needsSignIn'> {
  return {
    ...(typeof value.status === 'number' ? { status: value.status } : {}),
    ...(typeof value.error === 'string' ? { error: value.error } : value.error instanceof Error ? { error: value.error.message } : {}),
    ...(typeof value.url === 'string' ? { url: value.url } : {}),
    ...(typeof value.subject === 'string' ? { subject: value.subject } : {}),
    ...(value.needsSignIn === true ? { needsSignIn: true } : {}),
  };
}
