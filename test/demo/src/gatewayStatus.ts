/**
 * SIMULATED gateway controllers (kgateway, Istio), pure part: the demo has
 * no gateway proxy, so a controller that is not there "accepts" the demo's
 * GatewayClasses and Gateways, and says so in every condition message.
 */
type AnyObject = Record<string, any>;

/** GatewayClasses the demo provides, by name, with the controller each stands for. */
export const DEMO_GATEWAY_CLASSES: Record<string, string> = {
  kgateway: 'kgateway.dev/kgateway',
  istio: 'istio.io/gateway-controller',
};

const MESSAGE =
  'SIMULATED by the wide-EP demo operator: no gateway proxy runs in the demo';

/** Status of a demo GatewayClass: Accepted. */
export function gatewayClassStatus(gatewayClass: AnyObject): AnyObject {
  return {
    conditions: [
      {
        type: 'Accepted',
        status: 'True',
        reason: 'Accepted',
        message: `SIMULATED: accepted on behalf of ${gatewayClass.spec?.controllerName} by the wide-EP demo operator`,
        observedGeneration: gatewayClass.metadata?.generation ?? 1,
      },
    ],
  };
}

/** Status of a Gateway of a demo class: Accepted and Programmed, each listener too; undefined for other classes. */
export function gatewayStatus(gateway: AnyObject): AnyObject | undefined {
  if (!(gateway.spec?.gatewayClassName in DEMO_GATEWAY_CLASSES))
    return undefined;
  const observedGeneration = gateway.metadata?.generation ?? 1;
  const condition = (type: string) => ({
    type,
    status: 'True',
    reason: type,
    message: MESSAGE,
    observedGeneration,
  });
  return {
    conditions: [condition('Accepted'), condition('Programmed')],
    listeners: (gateway.spec?.listeners ?? []).map((l: AnyObject) => ({
      name: l.name,
      attachedRoutes: 1,
      supportedKinds: [
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
      ],
      conditions: [
        condition('Accepted'),
        condition('Programmed'),
        condition('ResolvedRefs'),
      ],
    })),
  };
}
