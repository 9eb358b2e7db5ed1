import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@berth/auth';
import { OpenApiDocumentSource } from './openapi-document.source';

/**
 * The OpenAPI document of a process's HTTP API, public as Argo CD's `/swagger.json` is (it describes routes,
 * never data or settings). Its docs page, Swagger UI at /api/docs, is served by @nestjs/swagger from its
 * bundled assets beside the controllers (serveApiDocs), also without a token. Query parameters are ignored,
 * as cache busters on a document should be.
 */
@Public()
@Controller('api')
export class OpenApiController {
  constructor(private readonly source: OpenApiDocumentSource) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  document() {
    return this.source.document();
  }
}
