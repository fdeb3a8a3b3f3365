import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecUsages,
} from '../../imports/cert-manager-certificate-cert-manager.io';
import { Issuer } from '../../imports/cert-manager-issuer-cert-manager.io';
import { Bundle } from '../../imports/trust-manager-bundle-trust.cert-manager.io';
import { goDuration, invalidValueProblem, namespaceNameProblem, throwIfProblems, wholeSeconds } from '../common';

/** Props of {@link LinkerdIdentity}. */
export interface LinkerdIdentityProps {
  /** Linkerd's control-plane namespace. @default 'linkerd' */
  readonly namespace?: string;
  /**
   * The Secret (type kubernetes.io/tls, keys tls.crt, tls.key, ca.crt) holding the trust anchor in `namespace`.
   * Created out of band, never in Git: `kubectl create secret tls linkerd-trust-anchor --cert ca.crt --key ca.key -n linkerd`.
   * @default 'linkerd-trust-anchor'
   */
  readonly trustAnchorSecretName?: string;
  /** Lifetime of the identity issuer certificate. @default Duration.hours(48) (Linkerd's documentation) */
  readonly issuerLifetime?: Duration;
  /** Renew the issuer certificate this long before it expires. @default Duration.hours(25) (Linkerd's documentation) */
  readonly issuerRenewBefore?: Duration;
  /** Cluster domain. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * Linkerd's identity for production as its documentation describes it ("Automatically rotating control plane TLS
 * credentials"): a cert-manager CA `Issuer` signing from the trust anchor Secret, a `Certificate` for the identity
 * issuer (`linkerd-identity-issuer`, ECDSA, rotated every 48 h), and a trust-manager `Bundle` publishing the trust
 * anchor's public certificate as the ConfigMap `linkerd-identity-trust-roots` the control plane reads
 * (`identity.externalCA: true`). Only references are rendered: no key, certificate or Secret payload.
 * trust-manager must read Secrets in `namespace` (its Helm value `app.trust.namespace`).
 */
export class LinkerdIdentity extends Construct {
  /** The Certificate's Secret the control plane mounts (`identity.issuer.scheme: kubernetes.io/tls`). */
  public static readonly ISSUER_SECRET_NAME = 'linkerd-identity-issuer';
  /** The ConfigMap Linkerd reads the trust roots from. */
  public static readonly TRUST_ROOTS_CONFIGMAP_NAME = 'linkerd-identity-trust-roots';

  constructor(scope: Construct, id: string, props: LinkerdIdentityProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? 'linkerd';
    const trustAnchor = props.trustAnchorSecretName ?? 'linkerd-trust-anchor';
    const lifetime = props.issuerLifetime ?? Duration.hours(48);
    const renewBefore = props.issuerRenewBefore ?? Duration.hours(25);
    const domain = props.clusterDomain ?? 'cluster.local';
    const lifetimeSeconds = wholeSeconds(lifetime);
    const renewSeconds = wholeSeconds(renewBefore);
    throwIfProblems(this, [
      namespaceNameProblem('namespace', namespace),
      lifetimeSeconds !== undefined && lifetimeSeconds >= 3600 ? undefined
        : invalidValueProblem('issuerLifetime', lifetime, 'whole seconds, at least 1 hour'),
      renewSeconds !== undefined && lifetimeSeconds !== undefined && renewSeconds > 0 && renewSeconds < lifetimeSeconds ? undefined
        : invalidValueProblem('issuerRenewBefore', renewBefore, 'whole seconds, more than 0 and less than issuerLifetime'),
    ]);
    const issuer = new Issuer(this, 'TrustAnchorIssuer', {
      metadata: { name: trustAnchor, namespace },
      spec: { ca: { secretName: trustAnchor } },
    });
    const identityName = `identity.${namespace}.${domain}`;
    new Certificate(this, 'IssuerCertificate', {
      metadata: { name: LinkerdIdentity.ISSUER_SECRET_NAME, namespace },
      spec: {
        secretName: LinkerdIdentity.ISSUER_SECRET_NAME,
        duration: goDuration(lifetime),
        renewBefore: goDuration(renewBefore),
        issuerRef: { name: issuer.name, kind: 'Issuer' },
        commonName: identityName,
        dnsNames: [identityName],
        isCa: true,
        privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA },
        usages: [
          CertificateSpecUsages.CERT_SIGN, CertificateSpecUsages.CRL_SIGN, CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH,
        ],
      },
    });
    new Bundle(this, 'TrustRoots', {
      metadata: { name: LinkerdIdentity.TRUST_ROOTS_CONFIGMAP_NAME },
      spec: {
        sources: [{ secret: { name: trustAnchor, key: 'ca.crt' } }],
        target: {
          configMap: { key: 'ca-bundle.crt' },
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        },
      },
    });
  }
}
