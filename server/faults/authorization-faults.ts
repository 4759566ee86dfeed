import type { AuthorizationHooks, AuthorizationStep } from '../authorization/token-hooks.ts';
import { OAuthError } from '../profiles/oauth-error.ts';
import type { Deferred } from './fault-engine.ts';
import type { FaultAction } from './rule-schema.ts';
import type { NoteEffect } from './token-faults.ts';

type AuthorizationErrorAction = Extract<FaultAction, { type: 'authorization_error' }>;

const STEP_NAMES: Record<AuthorizationStep, string> = { login: 'the login page', consent: 'the consent page', code: 'the code' };

/** The steps an authorization_error acts before: the one it names, or the first of those it lists (default: the code). */
export function authorizationSteps(action: AuthorizationErrorAction): readonly AuthorizationStep[] {
  const step = action.step ?? 'code';
  return Array.isArray(step) ? step : [step];
}

/**
 * The browser flow's hook for one authorization_error rule. The flow consults it before it shows
 * the login page, before the consent page, and before it issues the code; the rule counts the
 * request only when it reaches one of the rule's steps (a request that only gets to the login page
 * is not counted by a rule on the code), and then answers its error at the redirect URI, with the
 * request's state (RFC 6749 §4.1.2.1).
 */
export function authorizationFaultHooks(deferred: Deferred, note: NoteEffect): AuthorizationHooks {
  const { action } = deferred.rule;
  if (action.type !== 'authorization_error') return {};
  const steps = authorizationSteps(action);
  return {
    refuse: (request, step) => {
      if (!steps.includes(step)) return undefined;
      const firing = deferred.reach();
      if (!firing) return undefined;
      firing.acted();
      note(firing, `redirected with ${action.error} instead of ${STEP_NAMES[step]}`);
      return new OAuthError(action.error, action.description ?? `${action.error} (injected)`, {
        reason: `fault: ${action.error} at the redirect URI of ${request.clientId} instead of ${STEP_NAMES[step]}`,
      });
    },
  };
}
