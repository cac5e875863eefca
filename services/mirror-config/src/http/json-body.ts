import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { sendProblem } from './problem';

/**
 * Parses JSON bodies ourselves so that a malformed body gets the same problem+json 400 as any
 * other invalid input (Nest would leave it to Express's HTML error page).
 */
export function useJsonBodies(app: INestApplication): void {
  // A push hook's delivery is kept as its bytes, whatever type it claims (docker-registry sends
  // application/vnd.docker.distribution.events.v1+json): an HMAC signs the bytes, not a parse of them.
  app.use('/api/v1/hooks', express.raw({ type: () => true, limit: '1mb' }));
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  // The registry token service's OAuth2 form (POST /v2/auth).
  app.use('/v2/auth', express.urlencoded({ extended: false, limit: '64kb' }));
  // Quay's OAuth forms (POST /oauth/authorizeapp).
  app.use('/oauth', express.urlencoded({ extended: false, limit: '64kb' }));
  app.use((error: { status?: number; type?: string } | undefined, _req: unknown, res: express.Response, next: (e?: unknown) => void) => {
    if (!error) return next();
    const status = error.status && error.status < 500 ? error.status : 400;
    sendProblem(res, {
      type: 'https://ferry.dev/problems/invalid-request',
      title: 'Invalid request',
      status,
      code: 'INVALID_REQUEST',
      detail: error.type === 'entity.too.large' ? 'the request body is larger than 1 MiB' : 'the request body is not valid JSON',
      errors: [{ field: '(body)', message: error.type === 'entity.too.large' ? 'is too large' : 'must be valid JSON' }],
    });
  });
}
