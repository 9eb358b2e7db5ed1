import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { httpApiDocument, type HttpApiDescription } from './http-api-document';
import { OpenApiDocumentSource } from './openapi-document.source';

/**
 * Gives the app's OpenApiDocumentSource (a provider of its module, with OpenApiController) the builder of
 * its document, and serves the docs page: Swagger UI at /api/docs from the assets bundled with
 * @nestjs/swagger (no CDN), over the same document. Call before `app.init()`.
 */
export function serveApiDocs(app: INestApplication, description: HttpApiDescription): void {
  const source = app.get(OpenApiDocumentSource);
  source.buildWith(() => httpApiDocument(app, description));
  SwaggerModule.setup('api/docs', app, () => source.document(), {
    raw: false, // the JSON is OpenApiController's, declared public like every route
    customSiteTitle: description.title,
  });
}
