/**
 * The example's web page: static files under `public/`, read once at start-up and served by every
 * framework's app as they are (no build step, no framework in the browser).
 */
import { readFileSync } from 'node:fs';

/** A file of the page, ready to send. */
export interface PageAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

const FILES: Readonly<Record<string, readonly [file: string, contentType: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/favicon.svg': ['favicon.svg', 'image/svg+xml'],
};

/**
 * URL path -> file, for every file of the page.
 *
 * @example
 * ```ts
 * for (const [path, asset] of loadPage()) app.get(path, (req, res) => res.type(asset.contentType).send(asset.body))
 * ```
 */
export function loadPage(): ReadonlyMap<string, PageAsset> {
  return new Map(
    Object.entries(FILES).map(([path, [file, contentType]]) => [
      path,
      { contentType, body: readFileSync(new URL(`./public/${file}`, import.meta.url)) },
    ]),
  );
}
