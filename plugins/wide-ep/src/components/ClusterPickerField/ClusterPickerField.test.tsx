import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import type { WideEpClusterInfo } from '@internal/plugin-wide-ep-common';
import { wideEpApiRef, type WideEpApi } from '../../api';
import { ClusterPickerField } from './ClusterPickerField';

function renderPicker(
  listClusters: WideEpApi['listClusters'],
  formData?: string,
) {
  const onChange = jest.fn();
  const props = {
    formData,
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
  const api: WideEpApi = { listClusters, getRankHealth: jest.fn() };
  renderInTestApp(
    <TestApiProvider apis={[[wideEpApiRef, api]]}>
      <ClusterPickerField {...props} />
    </TestApiProvider>,
  );
  return { onChange };
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
});
