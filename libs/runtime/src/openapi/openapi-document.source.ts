import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The scheduler's OpenAPI document, built on the first request that wants it (reading every controller
 * costs time a start should not pay) and kept: the routes do not change while the process runs. The app
 * gives the builder once it is created (create-scheduler-app.ts), since the builder reads the app itself.
 */
@Injectable()
export class OpenApiDocumentSource {
  private build?: () => OpenAPIObject;
  private built?: OpenAPIObject;

  buildWith(build: () => OpenAPIObject): void {
    this.build = build;
    this.built = undefined;
  }

  document(): OpenAPIObject {
    if (this.built) return this.built;
    if (!this.build) throw new Error('the OpenAPI document is asked for before the app gave its builder');
    return (this.built = this.build());
  }
}
