/**
 * One locator per token location, by flask's location name.
 *
 * @module
 */
import type { TokenLocation } from '../types.js';
import { fromCookies } from './cookie.js';
import { fromHeaders } from './header.js';
import { fromJson } from './json.js';
import { fromQueryString } from './query.js';
import type { Locator } from './types.js';

/** The locator for each location name. */
export const LOCATORS: Readonly<Record<TokenLocation, Locator>> = Object.freeze({
  headers: fromHeaders,
  cookies: fromCookies,
  query_string: fromQueryString,
  json: fromJson,
});

export type { LocatedToken, Locator } from './types.js';
export { isJsonContentType } from './json.js';
