/**
 * One tested version set (wide-ep-domain.md §12 #12, §14): the images, the
 * vLLM they carry, the EPP config schema and the sidecar flag spelling move
 * together. Each interface the renderer feeds is recorded from the
 * component's own code at exactly these versions (`interfaces/` in this
 * package, with provenance and a script to re-record), and the conformance
 * tests check every rendered variant against those records.
 */

/** Where a component's source is read from: repository, tag and path. @public */
export interface SourceRef {
  repository: string;
  tag: string;
  path?: string;
}

/** @public */
export interface VersionSet {
  name: string;
  vllm: {
    images: { amd64: string; arm64: string };
    /** The vLLM release the images carry: the CLI the rendered flags must fit. */
    version: string;
    /** Where the pairing of image and vLLM version is stated. */
    evidence: string;
  };
  sidecar: {
    image: string;
    source: SourceRef;
    /** Spelling of the KV-connector flag (`--connector` up to v0.8). */
    connectorFlag: '--kv-connector' | '--connector';
  };
  epp: {
    image: string;
    source: SourceRef;
    /** The EndpointPickerConfig apiVersion the renderer writes. */
    configApiVersion: string;
  };
}

/**
 * llm-d v0.8.0 (2026-06, revision D): `llm-d-cuda` v0.8.0 carries vLLM
 * v0.23.0; the router images are the v0.9.0 pair upstream D deploys with its
 * Router charts v0.9.0. The EPP image must be able to read
 * `configApiVersion`: llm-d-inference-scheduler up to v0.8 (GAIE up to v1.4) reads
 * only `inference.networking.x-k8s.io/v1alpha1` and exits on `llm-d.ai`
 * (serving-review.md B1).
 * @public
 */
export const VERSION_SET: VersionSet = {
  name: 'llm-d v0.8.0 (vLLM 0.23.0, llm-d-router v0.9.0)',
  vllm: {
    images: {
      amd64: 'ghcr.io/llm-d/llm-d-cuda:v0.8.0',
      arm64: 'ghcr.io/llm-d/llm-d-cuda-gb200:v0.8.0',
    },
    version: '0.23.0',
    evidence:
      'llm-d/llm-d issue #1819 "Components V0.8.0" and release v0.8.1 notes: llm-d-cuda v0.8.0 = vLLM v0.23.0, CUDA 13.0.2',
  },
  sidecar: {
    image: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.9.0',
    source: {
      repository: 'llm-d/llm-d-router',
      tag: 'v0.9.0',
      path: 'cmd/pd-sidecar',
    },
    connectorFlag: '--kv-connector',
  },
  epp: {
    image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.9.0',
    source: {
      repository: 'llm-d/llm-d-router',
      tag: 'v0.9.0',
      path: 'cmd/epp',
    },
    configApiVersion: 'llm-d.ai/v1alpha1',
  },
};
