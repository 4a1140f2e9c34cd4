import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  LWS_H200_SEED,
  type WideEpClusterInfo,
} from '@internal/plugin-wide-ep-common';
import { wideEpApiRef, type WideEpApi } from '../../api';
import { ClusterPickerField } from './ClusterPickerField';

function renderPicker(
  listClusters: WideEpApi['listClusters'],
  formData?: string,
  options: {
    preflight?: WideEpApi['preflight'];
    allFormData?: Record<string, unknown>;
  } = {},
) {
  const onChange = jest.fn();
  const preflight = jest.fn(
    options.preflight ??
      (async ({ cluster }: { cluster: string }) => ({ cluster, checks: [] })),
  );
  const props = {
    formData,
    formContext: { formData: options.allFormData ?? {} },
    onChange,
    schema: {
      type: 'string',
      title: 'Cluster',
      description: 'Where to apply the manifests.',
    },
    uiSchema: { 'ui:field': 'WideEpClusterPicker' },
    rawErrors: [],
    idSchema: { $id: 'root_cluster' },
    required: true,
    disabled: false,
    readonly: false,
  } as any;
  const api: WideEpApi = {
    listClusters,
    getRankHealth: jest.fn(),
    getRankHistory: jest.fn(),
    preflight,
    getDiff: jest.fn(),
  };
  renderInTestApp(
    <TestApiProvider apis={[[wideEpApiRef, api]]}>
      <ClusterPickerField {...props} />
    </TestApiProvider>,
  );
  return { onChange, preflight };
}

const clusters = (items: WideEpClusterInfo[]) => async () => ({ items });

describe('ClusterPickerField', () => {
  it('offers the usable clusters by name and title, and the others disabled with the reason', async () => {
    const { onChange } = renderPicker(
      clusters([
        { name: 'gpu-east', title: 'GPU East', usable: true },
        { name: 'gpu-west', usable: true },
        {
          name: 'gke-prod',
          usable: false,
          reason: 'authProvider "google" is not supported',
        },
      ]),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: /Cluster/ }),
    );
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'gpu-east (GPU East)',
      'gpu-west',
      'gke-prod: cannot be used (authProvider "google" is not supported)',
    ]);
    expect(options[2]).toHaveAttribute('aria-disabled', 'true');
    expect(
      screen.getByText('Where to apply the manifests.'),
    ).toBeInTheDocument();
    // Two choices: nothing is picked for the user.
    expect(onChange).not.toHaveBeenCalled();

    await userEvent.click(options[1]);
    expect(onChange).toHaveBeenLastCalledWith('gpu-west');
  });

  it('picks the only usable cluster, shown by its title when that names it', async () => {
    const { onChange } = renderPicker(
      clusters([
        {
          name: 'local-demo',
          title: 'local-demo (simulated GPUs)',
          usable: true,
        },
        { name: 'gke-prod', usable: false, reason: 'no' },
      ]),
    );
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('local-demo'));
    await userEvent.click(screen.getByRole('button', { name: /Cluster/ }));
    expect(
      within(screen.getByRole('listbox')).getAllByRole('option')[0],
    ).toHaveTextContent(/^local-demo \(simulated GPUs\)$/);
  });

  it('says how to configure a cluster when none can be used', async () => {
    renderPicker(clusters([{ name: 'gke-prod', usable: false, reason: 'no' }]));
    expect(
      await screen.findByText(
        /No cluster is configured for wide-EP: add one with authProvider serviceAccount/,
      ),
    ).toBeInTheDocument();
  });

  it('keeps a value that is no longer configured visible, marked as such', async () => {
    renderPicker(clusters([{ name: 'gpu-east', usable: true }]), 'gpu-old');
    expect(
      await screen.findByRole('button', { name: /gpu-old \(not configured\)/ }),
    ).toBeInTheDocument();
  });

  it('falls back to typing the name, with the reason, when the list cannot be loaded', async () => {
    const { onChange } = renderPicker(async () => {
      throw new Error('backend down');
    });
    expect(
      await screen.findByText(
        'Could not list the configured clusters (backend down); type the cluster name.',
      ),
    ).toBeInTheDocument();
    const input = screen.getByRole('textbox', { name: /Cluster/ });
    expect(input).toBeEnabled();
    await userEvent.type(input, 'x');
    expect(onChange).toHaveBeenLastCalledWith('x');
  });

  it('shows the preflight checks of the form spec on the picked cluster, with remedies', async () => {
    const { preflight } = renderPicker(
      clusters([{ name: 'gpu-east', usable: true }]),
      'gpu-east',
      {
        allFormData: {
          ...LWS_H200_SEED,
          rollout: 'apply',
          cluster: 'gpu-east',
          repoUrl: '',
        },
        preflight: async ({ cluster }) => ({
          cluster,
          checks: [
            {
              id: 'crd:leaderworkersets.leaderworkerset.x-k8s.io',
              title: 'CRD leaderworkersets.leaderworkerset.x-k8s.io',
              status: 'pass',
              message: 'established; serves v1',
            },
            {
              id: 'resource:nvidia.com/gpu',
              title: 'Allocatable nvidia.com/gpu',
              status: 'fail',
              message:
                'need 3 pods × 8 nvidia.com/gpu; 1 of 4 schedulable nodes fit',
              remedy: 'add GPU nodes or lower the replicas',
            },
          ],
        }),
      },
    );
    const checks = await screen.findByRole('region', {
      name: 'Checks on cluster gpu-east',
    });
    expect(checks).toHaveTextContent(
      "1 of 2 checks fail on gpu-east: the task's preflight step will stop before applying anything unless they are fixed.",
    );
    expect(checks).toHaveTextContent(
      'Allocatable nvidia.com/gpu: need 3 pods × 8 nvidia.com/gpu; 1 of 4 schedulable nodes fit (add GPU nodes or lower the replicas)',
    );
    expect(within(checks).getByLabelText('fail')).toHaveTextContent('✕');
    // Only the spec fields go to the backend, not rollout or repoUrl.
    expect(preflight).toHaveBeenCalledTimes(1);
    const [request] = preflight.mock.calls[0];
    expect(request.cluster).toBe('gpu-east');
    expect(Object.keys(request.spec as object).sort()).toEqual(
      [
        'clusterProvider',
        'decode',
        'gateway',
        'hardware',
        'model',
        'name',
        'namespace',
        'orchestrator',
        'prefill',
        'rankPorts',
      ].sort(),
    );
  });

  it('says why the cluster could not be checked', async () => {
    renderPicker(clusters([{ name: 'gpu-east', usable: true }]), 'gpu-east', {
      preflight: async () => {
        throw new Error('permission wide-ep.deployment.apply denied');
      },
    });
    expect(
      await screen.findByText(
        'Could not check cluster gpu-east: permission wide-ep.deployment.apply denied',
      ),
    ).toBeInTheDocument();
  });
});
