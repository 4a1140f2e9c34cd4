import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SecretsContextProvider } from '@backstage/plugin-scaffolder-react';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import {
  GROVE_GB200_SEED,
  LWS_H200_SEED,
} from '@internal/plugin-wide-ep-common';
import { TopologyPreviewField } from './TopologyPreviewField';
import { validateTopologyPreview } from './topologyPreviewValidation';
import { WIDE_EP_TOPOLOGY_PREVIEW_FIELD } from './wideEpTopologyPreviewField';

/** The props RJSF hands a custom field; only those the preview reads matter. */
function renderField(
  allFormData: Record<string, unknown>,
  onChange = jest.fn(),
) {
  const props = {
    formData: undefined,
    onChange,
    schema: { type: 'string', title: 'Topology preview' },
    uiSchema: { 'ui:field': WIDE_EP_TOPOLOGY_PREVIEW_FIELD },
    formContext: { formData: allFormData },
    rawErrors: [],
    idSchema: { $id: 'root_preview' },
    required: false,
    disabled: false,
    readonly: false,
  } as any;
  renderInTestApp(<TopologyPreviewField {...props} />);
  return { onChange };
}

describe('TopologyPreviewField', () => {
  it('previews the LWS H200 seed: DP16 per role on ports 8000–8007', async () => {
    const { onChange } = renderField({
      ...LWS_H200_SEED,
      repoUrl: 'github.com?repo=x',
    });

    const decode = await screen.findByRole('region', {
      name: 'decode topology',
    });
    expect(decode).toHaveTextContent(
      'decode: 1 group × 2 pods × 8 ranks = DP16 per group, 2 pods, 16 GPUs',
    );
    expect(decode).toHaveTextContent(
      'vLLM ports 8200–8207 · serving ports 8000–8007 · supervisor 8208',
    );
    const pods = within(decode).getAllByRole('row');
    expect(pods[1]).toHaveTextContent('wide-ep-decode-00 (leader)0–78000–8007');
    expect(pods[2]).toHaveTextContent('wide-ep-decode-0-118–158000–8007');

    const prefill = screen.getByRole('region', { name: 'prefill topology' });
    expect(prefill).toHaveTextContent('DP16 per group');
    expect(prefill).toHaveTextContent('vLLM ports 8000–8007');

    expect(screen.getByText('Total GPUs').nextSibling).toHaveTextContent('32');
    expect(screen.getByText('Nodes').nextSibling).toHaveTextContent(
      '4 pods, one per node',
    );
    expect(screen.getByText('Launch mode').nextSibling).toHaveTextContent(
      'supervisor',
    );
    expect(screen.getByText('Pool target ports').nextSibling).toHaveTextContent(
      '8000–8007',
    );
    expect(
      screen.getByText('multi-port InferencePools need Istio 1.28.1 or later', {
        exact: false,
      }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Generated files' })).getByText(
        'catalog-info.yaml',
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalledWith(
      '32 GPUs on 4 nodes: prefill 1x DP16, decode 1x DP16',
    );
  });

  it('previews the Grove GB200 seed: 9 pods, 36 GPUs, one API server per pod', async () => {
    renderField({ ...GROVE_GB200_SEED });

    expect(await screen.findByText('Total GPUs')).toBeInTheDocument();
    expect(screen.getByText('Total GPUs').nextSibling).toHaveTextContent('36');
    expect(screen.getByText('Nodes').nextSibling).toHaveTextContent(
      '9 pods, one per node',
    );
    expect(screen.getByText('Launch mode').nextSibling).toHaveTextContent(
      'hybrid',
    );
    expect(screen.getByText('Pool target ports').nextSibling).toHaveTextContent(
      '8000',
    );

    const decode = screen.getByRole('region', { name: 'decode topology' });
    expect(decode).toHaveTextContent(
      '1 group × 8 pods × 4 ranks = DP32 per group, 8 pods, 32 GPUs',
    );
    expect(within(decode).getAllByRole('row')).toHaveLength(1 + 8);
    expect(
      screen.getByRole('region', { name: 'prefill topology' }),
    ).toHaveTextContent(
      '1 group × 1 pod × 4 ranks = DP4 per group, 1 pod, 4 GPUs',
    );
  });

  it('shows field-named problems instead of a topology', async () => {
    renderField({
      ...LWS_H200_SEED,
      decode: { replicas: 1, dataParallelSize: 12 },
    });

    expect(
      await screen.findByText('The topology is not valid'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Total GPUs')).not.toBeInTheDocument();
  });

  it('refuses one port per rank on kgateway, naming the field', async () => {
    renderField({ ...LWS_H200_SEED, gateway: 'kgateway', rankPorts: true });

    expect(
      await screen.findByText('The topology is not valid'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^rankPorts: is not supported by kgateway: v2\.1\.1/),
    ).toBeInTheDocument();
  });

  it('asks for the fields that are still empty', async () => {
    renderField({ name: 'wide-ep', model: 'deepseek-ai/DeepSeek-R1-0528' });

    expect(
      await screen.findByText(
        'Fill in hardware, clusterProvider, orchestrator, gateway, prefill, decode to see the topology.',
      ),
    ).toBeInTheDocument();
  });
});

describe('WideEpTopologyPreview in the scaffolder stepper', () => {
  function manifest(decodeSize: number) {
    return {
      title: 'Wide-EP deployment',
      steps: [
        {
          title: 'Topology',
          schema: {
            type: 'object',
            properties: {
              hardware: {
                type: 'string',
                enum: ['h200', 'b200', 'gb200'],
                default: 'h200',
              },
              decode: {
                type: 'object',
                properties: {
                  replicas: { type: 'integer', default: 1 },
                  dataParallelSize: { type: 'integer', default: decodeSize },
                },
              },
              preview: {
                type: 'string',
                'ui:field': WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
              },
            },
          },
        },
        {
          title: 'Rollout',
          schema: {
            type: 'object',
            properties: { rollout: { type: 'string', title: 'Rollout mode' } },
          },
        },
      ],
    };
  }

  function renderStepper(decodeSize: number) {
    renderInTestApp(
      <SecretsContextProvider>
        <Stepper
          manifest={manifest(decodeSize)}
          extensions={[
            {
              name: WIDE_EP_TOPOLOGY_PREVIEW_FIELD,
              component: TopologyPreviewField,
              validation: validateTopologyPreview,
            },
          ]}
          onCreate={jest.fn()}
        />
      </SecretsContextProvider>,
    );
  }

  beforeEach(() => {
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('blocks Next while the topology is invalid', async () => {
    renderStepper(12);

    expect(await screen.findByText('Topology preview')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));

    const message =
      'decode.dataParallelSize: must be a multiple of 8 GPUs per node on h200 (got 12; try 16)';
    await waitFor(() =>
      expect(
        screen.getAllByText(message, { exact: false }).length,
      ).toBeGreaterThan(0),
    );
    expect(screen.queryByLabelText('Rollout mode')).not.toBeInTheDocument();
  });

  it('lets a valid topology through', async () => {
    renderStepper(16);

    expect(await screen.findByText('Topology preview')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));

    expect(await screen.findByLabelText('Rollout mode')).toBeInTheDocument();
  });
});
