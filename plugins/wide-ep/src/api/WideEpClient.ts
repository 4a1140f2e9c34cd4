import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  WideEpDiffResponse,
  RankHealthResponse,
  RankHistoryResponse,
  WideEpClusterListResponse,
  WideEpPreflightRequest,
  WideEpPreflightResponse,
} from '@internal/plugin-wide-ep-common';
import type {
  GetRankHealthOptions,
  GetRankHistoryOptions,
  WideEpApi,
} from './WideEpApi';

/** Options of {@link WideEpClient}. @public */
export interface WideEpClientOptions {
  discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  fetchApi: Pick<FetchApi, 'fetch'>;
}

/** Default {@link WideEpApi}, calling the `wide-ep` backend plugin. @public */
export class WideEpClient implements WideEpApi {
  readonly #discoveryApi: WideEpClientOptions['discoveryApi'];
  readonly #fetchApi: WideEpClientOptions['fetchApi'];

  constructor(options: WideEpClientOptions) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getRankHealth(
    options: GetRankHealthOptions,
  ): Promise<RankHealthResponse> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('wide-ep');
    const query = new URLSearchParams({ entityRef: options.entityRef });
    const response = await this.#fetchApi.fetch(`${baseUrl}/ranks?${query}`, {
      signal: options.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as RankHealthResponse;
  }

  async getRankHistory(
    options: GetRankHistoryOptions,
  ): Promise<RankHistoryResponse> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('wide-ep');
    const query = new URLSearchParams({
      entityRef: options.entityRef,
      metric: options.metric,
      window: options.window,
    });
    const response = await this.#fetchApi.fetch(
      `${baseUrl}/ranks/history?${query}`,
      { signal: options.signal },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as RankHistoryResponse;
  }

  async listClusters(
    options: { signal?: AbortSignal } = {},
  ): Promise<WideEpClusterListResponse> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('wide-ep');
    const response = await this.#fetchApi.fetch(`${baseUrl}/clusters`, {
      signal: options.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as WideEpClusterListResponse;
  }

  async preflight(
    request: WideEpPreflightRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<WideEpPreflightResponse> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('wide-ep');
    const response = await this.#fetchApi.fetch(`${baseUrl}/preflight`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
      signal: options.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as WideEpPreflightResponse;
  }

  async getDiff(options: {
    entityRef: string;
    signal?: AbortSignal;
  }): Promise<WideEpDiffResponse> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('wide-ep');
    const query = new URLSearchParams({ entityRef: options.entityRef });
    const response = await this.#fetchApi.fetch(`${baseUrl}/diff?${query}`, {
      signal: options.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as WideEpDiffResponse;
  }
}
