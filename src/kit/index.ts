/**
 * `jwt-extended/kit`: for adapter authors. The pieces every framework adapter is made of: the
 * middleware flow over an adapter's description of its framework (`AdapterGlue`), a request port
 * over Node's request or a fetch `Request`, bounded body readers, one response writer, the cookie
 * helpers written once, and the request scope of `jwt-extended/context`. Applications do not need
 * it: they use `jwt-extended` and their framework's adapter.
 *
 * @example
 * ```ts
 * import { type AdapterGlue, NodeRequestPort, guardRequest } from 'jwt-extended/kit'
 *
 * const glue: AdapterGlue<IncomingMessage, ServerResponse> = {
 *   port: (req) => new NodeRequestPort(req, req.url ?? '/', {}),
 *   target: (res) => ({ header: ..., send: ... }),
 * }
 * export function jwtRequired(jwt: AnyJwtManager, options: RouteOptions = {}) {
 *   const route = jwt.compileRoute(options)
 *   return (req, res, next) => guardRequest(jwt, glue, route, req, res, next)
 * }
 * ```
 *
 * @module jwt-extended/kit
 */
export {
  MAX_BODY_BYTES,
  bodyKindFor,
  formFieldOf,
  isFormContentType,
  isUrlEncodedContentType,
  parseFormBody,
  parseJsonBody,
  parseRouteBody,
} from './body.js';
export type { BodyKind, BodyRoute, RouteBody } from './body.js';
export { COOKIE_HELPER_NAMES, bindCookieMethods, createCookieHelpers } from './cookies.js';
export type { CookieHelperName, CookieHelpers, CookieMethods, UnsetCookieOptions } from './cookies.js';
export { answerClientError, guardRequest, verifyInRequest } from './guard.js';
export type { AdapterGlue } from './guard.js';
export { firstHeaderValue, nodeHeaderRepeated } from './headers.js';
export type { NodeHeaders } from './headers.js';
export { NodeRequestPort, asNodeIncoming, readBodyText, readRouteBody } from './node.js';
export type { BodySlot, BodyStream, NodeBodyRequest, NodeIncoming, NodeRequestLike } from './node.js';
export { writeJwtResponse } from './response.js';
export type { ResponseTarget } from './response.js';
export { runInRequestScope } from './scope.js';
export { keepJwtStateAside } from '../state.js';
export {
  WebRequestPort,
  appendWebSetCookie,
  bufferWebBody,
  firstFormValues,
  parseWebBody,
  readWebBody,
  webRequestPort,
  webResponseTarget,
} from './web.js';
export type { BufferedWebBody } from './web.js';
export { isJsonContentType } from '../locations/index.js';
export { parseCookieHeader } from '../request-view.js';
export { RESPONSE_RULES, isClientError } from '../responses.js';
export type { RequestPort, ResponsePort } from '../ports.js';
export type { CompiledRoute } from '../verify.js';
