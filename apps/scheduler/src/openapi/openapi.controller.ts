import { Public } from '@berth/auth';
import { Controller, Get, Header } from '@nestjs/common';
import { ValidQuery } from '../http/request-pipes';
import { OpenApiDocumentSource } from './openapi-document.source';

/**
 * The OpenAPI document of the API, public as Argo CD's `/swagger.json` is (it describes routes, never data
 * or settings). Its docs page, Swagger UI at /api/docs, is served by @nestjs/swagger from its bundled assets
 * (create-scheduler-app.ts), also without a token.
 */
@Public()
@Controller('api')
export class OpenApiController {
  constructor(private readonly source: OpenApiDocumentSource) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  document(@ValidQuery() _query: object) {
    return this.source.document();
  }
}
