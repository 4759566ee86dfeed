/**
 * oauth-understudy/msw: msw request handlers that answer for real Oracle IDCS host names (and,
 * optionally, real API host names) from an in-process understudy. Code under test keeps its
 * production URLs and needs no port; faults, the virtual clock and the journal work as with
 * `understudy serve`.
 *
 * Only this entry point imports msw; the package root does not.
 */
export { createIdcsHandlers, type IdcsHandlers, type IdcsHandlersOptions } from './create-idcs-handlers.ts';
