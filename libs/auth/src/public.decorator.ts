import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'berth:public-route';

/** `always`: no token needed; `metrics`: none unless BERTH_METRICS_REQUIRE_AUTH is set. */
export type PublicRoute = 'always' | 'metrics';

/**
 * A route that answers without a token: `/healthz`, `/readyz`, the Git webhook (it checks its own
 * signature), `POST /api/v1/session`. Everything else needs one (AuthGuard).
 */
export const Public = () => SetMetadata(PUBLIC_ROUTE, 'always' satisfies PublicRoute);

/** `/metrics`: open, as Argo CD's, unless BERTH_METRICS_REQUIRE_AUTH asks for a token. */
export const PublicMetrics = () => SetMetadata(PUBLIC_ROUTE, 'metrics' satisfies PublicRoute);
