import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { SettingsService } from '@atrium/settings';
import { escapeMarkup } from './escape-markup.js';

export interface WebManifest {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  display: string;
  background_color: string;
  icons: { src: string; type: string; sizes: string; purpose: string }[];
  share_target: { action: string; method: string; params: { text: string } };
}

/** The PWA manifest and the OpenSearch description, named after WEBUI_NAME. */
@Injectable()
export class WebManifestService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  /** Open WebUI's manifest shape; the icon is Atrium's /static/logo.png (500x500). */
  manifest(): WebManifest {
    const name = this.config.server.webuiName;
    const icon = { src: '/static/logo.png', type: 'image/png', sizes: '500x500' };
    return {
      name,
      short_name: name,
      description: `${name}: chat with your AI models in one place.`,
      start_url: '/',
      display: 'standalone',
      background_color: '#343541',
      icons: [
        { ...icon, purpose: 'any' },
        { ...icon, purpose: 'maskable' },
      ],
      // The frontend reads ?shared=<text> to prefill a new chat.
      share_target: { action: '/', method: 'GET', params: { text: 'shared' } },
    };
  }

  /** /opensearch.xml: lets browsers add the instance as a search engine (WEBUI_URL based). */
  openSearchXml(): string {
    const name = escapeMarkup(this.config.server.webuiName);
    const base = escapeMarkup(this.settings.get('webui.url').replace(/\/+$/, ''));
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" xmlns:moz="http://www.mozilla.org/2006/browser/search/">',
      `  <ShortName>${name}</ShortName>`,
      `  <Description>Search ${name}</Description>`,
      '  <InputEncoding>UTF-8</InputEncoding>',
      `  <Image width="16" height="16" type="image/png">${base}/static/favicon.png</Image>`,
      `  <Url type="text/html" method="get" template="${base}/?q={searchTerms}"/>`,
      `  <moz:SearchForm>${base}</moz:SearchForm>`,
      '</OpenSearchDescription>',
      '',
    ].join('\n');
  }
}
