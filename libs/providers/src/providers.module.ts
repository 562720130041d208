import { Module } from '@nestjs/common';
import { ModelsModule, ModelVisibilityService } from '@atrium/models';
import { MODEL_ACCESS_POLICY } from './catalog/model-access.policy.js';
import { ModelCatalogService } from './catalog/model-catalog.service.js';
import { ModelsService } from './catalog/models.service.js';
import { ConnectionsAdminService } from './connections/connections-admin.service.js';
import { ConnectionsRepository } from './connections/connections.repository.js';
import { ConnectionsService } from './connections/connections.service.js';
import { ModelsController } from './models.controller.js';
import { OllamaController } from './ollama.controller.js';
import { OpenAIController } from './openai.controller.js';
import { OllamaModelAdminService } from './relay/ollama-model-admin.service.js';
import { ProviderRelayService } from './relay/provider-relay.service.js';
import { UpstreamHttpClient } from './relay/upstream-http.client.js';

/** Ollama and OpenAI-compatible connections, model aggregation and the stream relay. */
@Module({
  imports: [ModelsModule],
  controllers: [OllamaController, OpenAIController, ModelsController],
  providers: [
    ConnectionsRepository,
    ConnectionsService,
    ConnectionsAdminService,
    UpstreamHttpClient,
    ModelCatalogService,
    ModelsService,
    ProviderRelayService,
    OllamaModelAdminService,
    { provide: MODEL_ACCESS_POLICY, useExisting: ModelVisibilityService },
  ],
  exports: [ModelCatalogService, ModelsService, ProviderRelayService, MODEL_ACCESS_POLICY],
})
export class ProvidersModule {}
