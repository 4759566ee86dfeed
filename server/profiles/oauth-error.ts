/** RFC 6749 §5.2 and §4.1.2.1 error codes, plus RFC 7009 / RFC 8707 / OpenID Connect ones understudy can answer with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'temporarily_unavailable'
  | 'server_error'
  // RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6: the authorization endpoint's.
  | 'access_denied'
  | 'unsupported_response_type'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_redirect_uri'
  | 'unsupported_response_mode';

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  // RFC 6749 §5.2: 401 for a failed client authentication.
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  unsupported_token_type: 400,
  temporarily_unavailable: 503,
  server_error: 500,
  access_denied: 400,
  unsupported_response_type: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  invalid_redirect_uri: 400,
  unsupported_response_mode: 400,
};

/**
 * An OAuth error answer. Endpoints throw it; the profile's error formatter turns it into the
 * wire shape (IDCS adds `ecid` and DMS headers), so every OAuth error is formatted in one place.
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  /** What understudy tells the caller. The idcs profile may replace it with IDCS's own text. */
  readonly description: string;
  /** The scheme the client tried to authenticate with; RFC 6749 §5.2 echoes it in WWW-Authenticate. */
  readonly challenge: 'Basic' | undefined;
  /** Why, for the journal: may say more than the caller is told. */
  readonly reason: string;
  /** IDCS's own wording for this case, when the idcs profile must say it differently. */
  readonly idcsDescription: string | undefined;

  constructor(
    error: OAuthErrorCode,
    description: string,
    options: { status?: number; challenge?: 'Basic'; reason?: string; idcsDescription?: string } = {},
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
    this.error = error;
    this.description = description;
    // Codes outside RFC 6749 §5.2 (e.g. RFC 9449's use_dpop_nonce) are 400 unless told otherwise.
    this.status = options.status ?? DEFAULT_STATUS[error] ?? 400;
    this.challenge = options.challenge;
    this.reason = options.reason ?? description;
    this.idcsDescription = options.idcsDescription;
  }
}
