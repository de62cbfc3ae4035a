import helmet from 'helmet';

/**
 * A strict Content-Security-Policy and the usual headers (helmet). The app loads only its own scripts, workers, styles
 * and fonts; its socket is same-origin ('self' covers ws: to the same host). Styles need 'unsafe-inline': Monaco adds
 * <style> elements at run time. No eval: the web app parses user functions with acorn and runs zod jitless.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // The server speaks plain HTTP (TLS, when used, ends at a proxy, which sets HSTS).
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}
