import type { ParameterizedContext } from 'koa';
import type { RequestState } from '../context.ts';

/** The Koa context every understudy handler receives. */
export type HttpContext = ParameterizedContext<RequestState>;
