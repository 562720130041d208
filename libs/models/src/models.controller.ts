import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Auth, CurrentUser, queryValidationPipe, type AuthenticatedUser } from '@atrium/common';
import { ModelsService } from './models.service.js';
import {
  ModelAccessFormDto,
  ModelFormDto,
  ModelIdFormDto,
  ModelIdQueryDto,
  ModelListFormDto,
  ModelListQueryDto,
  OptionalModelIdQueryDto,
  TagQueryDto,
  type ModelIdQuery,
  type ModelListQuery,
  type OptionalModelIdQuery,
  type TagQuery,
} from './dto/model-requests.dto.js';
import {
  requestedGrants,
  toImportedModel,
  toModelAccessResponse,
  toModelInput,
  toModelListItem,
  toModelResponse,
  type ModelAccessResponse,
  type ModelPageResponse,
  type ModelResponse,
} from './dto/model-responses.js';

/**
 * /api/v1/models/...: Open WebUI's workspace models router. Only sub-paths: the exact
 * `GET /api/v1/models` is the providers' aggregated list.
 */
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get('list')
  @Auth()
  async list(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ModelListQueryDto)) query: ModelListQuery,
  ): Promise<ModelPageResponse> {
    const page = await this.models.list(caller, {
      query: query.query,
      viewOption: query.view_option,
      tag: query.tag,
      orderBy: query.order_by,
      direction: query.direction,
      page: query.page,
    });
    return { items: page.items.map(toModelListItem), total: page.total };
  }

  @Get('base')
  @Auth({ admin: true })
  async base(@Query(queryValidationPipe(TagQueryDto)) query: TagQuery): Promise<ModelResponse[]> {
    return (await this.models.listBase(query.tag)).map(toModelResponse);
  }

  @Get('base/tags')
  @Auth({ admin: true })
  baseTags(@CurrentUser() caller: AuthenticatedUser): Promise<string[]> {
    return this.models.tags(caller, 'base');
  }

  @Get('tags')
  @Auth()
  tags(@CurrentUser() caller: AuthenticatedUser): Promise<string[]> {
    return this.models.tags(caller, 'preset');
  }

  @Post('create')
  @HttpCode(200)
  @Auth({ permission: 'workspace.models' })
  async create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: ModelFormDto,
  ): Promise<ModelResponse> {
    return toModelResponse(await this.models.create(caller, toModelInput(form)));
  }

  @Get('export')
  @Auth({ permission: 'workspace.models_export' })
  async export(@CurrentUser() caller: AuthenticatedUser): Promise<ModelResponse[]> {
    return (await this.models.export(caller)).map(toModelResponse);
  }

  @Post('import')
  @HttpCode(200)
  @Auth({ permission: 'workspace.models_import' })
  import(@CurrentUser() caller: AuthenticatedUser, @Body() form: ModelListFormDto): Promise<true> {
    return this.models.import(
      caller,
      form.models.map(toImportedModel).filter((model) => model !== undefined),
    );
  }

  @Post('sync')
  @HttpCode(200)
  @Auth({ admin: true })
  async sync(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: ModelListFormDto,
  ): Promise<ModelResponse[]> {
    const models = form.models.map(toImportedModel).filter((model) => model !== undefined);
    return (await this.models.sync(caller, models)).map(toModelResponse);
  }

  @Get('model')
  @Auth()
  async get(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ModelIdQueryDto)) query: ModelIdQuery,
  ): Promise<ModelAccessResponse> {
    return toModelAccessResponse(await this.models.get(caller, query.id));
  }

  @Get('model/profile/image')
  @Auth()
  async profileImage(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ModelIdQueryDto)) query: ModelIdQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const image = await this.models.profileImage(caller, query.id);
    if (image.kind === 'redirect') {
      response.redirect(302, image.location);
      return;
    }
    response.set({ ETag: image.etag, 'Content-Disposition': 'inline' });
    if (request.headers['if-none-match'] === image.etag) {
      response.status(304).end();
      return;
    }
    response.type(image.mediaType).send(image.bytes);
  }

  @Post('model/toggle')
  @HttpCode(200)
  @Auth()
  async toggle(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ModelIdQueryDto)) query: ModelIdQuery,
  ): Promise<ModelResponse> {
    return toModelResponse(await this.models.toggle(caller, query.id));
  }

  /** [N] takes the id from the body; [L] from `?id=` (which then wins). */
  @Post('model/update')
  @HttpCode(200)
  @Auth()
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(OptionalModelIdQueryDto)) query: OptionalModelIdQuery,
    @Body() form: ModelFormDto,
  ): Promise<ModelResponse> {
    return toModelResponse(
      await this.models.update(caller, toModelInput(form, query.id ?? form.id)),
    );
  }

  @Post('model/access/update')
  @HttpCode(200)
  @Auth()
  async updateAccess(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: ModelAccessFormDto,
  ): Promise<ModelResponse> {
    return toModelResponse(
      await this.models.updateAccess(
        caller,
        form.id,
        form.name ?? undefined,
        requestedGrants(form) ?? [],
      ),
    );
  }

  @Post('model/delete')
  @HttpCode(200)
  @Auth()
  deleteByBody(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() form: ModelIdFormDto,
  ): Promise<true> {
    return this.models.delete(caller, form.id);
  }

  @Delete('model/delete')
  @Auth()
  deleteByQuery(
    @CurrentUser() caller: AuthenticatedUser,
    @Query(queryValidationPipe(ModelIdQueryDto)) query: ModelIdQuery,
  ): Promise<true> {
    return this.models.delete(caller, query.id);
  }

  @Delete('delete/all')
  @Auth({ admin: true })
  deleteAll(): Promise<true> {
    return this.models.deleteAll();
  }
}
