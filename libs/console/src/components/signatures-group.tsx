import { Button, Checkbox, FormFieldGroup, FormFieldGroupHeader, FormGroup, FormSelect, FormSelectOption, Grid, GridItem, TextArea, TextInput } from '@patternfly/react-core';
import type { IdentityDraft, KeyDraft, SignaturePolicyChoice, TrustDraft } from '../logic/trust-policy';
import { FieldHelp } from './field-help';

export interface SignaturesGroupProps {
  trust: TrustDraft;
  onChange(trust: TrustDraft): void;
  /** The API's message for a field (`signature_policy`, `trust_policy.keys[0].pem`, ...), if any. */
  errorOf(...fields: string[]): string | undefined;
}

const POLICY_HELP: Record<SignaturePolicyChoice, string> = {
  accept: 'Every selected tag is copied, signed or not.',
  'require-signature': 'A tag whose image carries no signature at all is refused (any signature will do).',
  verify: 'Each image is checked against the keys and identities below before its tag is written; a tag that fails is refused with its reason.',
};

/** The mirror form's Signatures group: the signature policy and, under verify, the trust policy. */
export function SignaturesGroup({ trust, onChange, errorOf }: SignaturesGroupProps) {
  const set = (patch: Partial<TrustDraft>) => onChange({ ...trust, ...patch });
  const setKey = (i: number, patch: Partial<KeyDraft>) => set({ keys: trust.keys.map((k, j) => (j === i ? { ...k, ...patch } : k)) });
  const setIdentity = (i: number, patch: Partial<IdentityDraft>) => set({ identities: trust.identities.map((k, j) => (j === i ? { ...k, ...patch } : k)) });
  const invalid = (field: string) => (errorOf(field) ? 'error' : 'default');
  return (
    <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: 'Signatures', id: 'signatures-title' }} titleDescription="Whether images must be signed, and by whom, before they are mirrored." />}>
      <FormGroup label="Signature policy" fieldId="signature-policy">
        <FormSelect id="signature-policy" value={trust.policy} onChange={(_e, v) => set({ policy: v as SignaturePolicyChoice })} aria-describedby="signature-policy-help" validated={invalid('signature_policy')}>
          <FormSelectOption value="accept" label="Accept any image" />
          <FormSelectOption value="require-signature" label="Require a signature" />
          <FormSelectOption value="verify" label="Verify signatures against trusted signers" />
        </FormSelect>
        <FieldHelp id="signature-policy" error={errorOf('signature_policy', 'trust_policy')} help={POLICY_HELP[trust.policy]} />
      </FormGroup>
      {trust.policy === 'verify' ? (
        <>
          {trust.keys.map((key, i) => (
            <Grid hasGutter md={12} key={`key-${i}`} className="ferry-trust-row">
              <GridItem md={4}>
                <FormGroup label={`Key ${i + 1}: name`} fieldId={`trust-key-${i}-name`}>
                  <TextInput id={`trust-key-${i}-name`} value={key.name} onChange={(_e, v) => setKey(i, { name: v })} placeholder="release" aria-describedby={`trust-key-${i}-name-help`} />
                  <FieldHelp id={`trust-key-${i}-name`} error={errorOf(`trust_policy.keys[${i}].name`)} help="How the Tags tab names this signer." />
                </FormGroup>
              </GridItem>
              <GridItem md={8}>
                <FormGroup label={`Key ${i + 1}: public key (PEM)`} fieldId={`trust-key-${i}-pem`} isRequired>
                  <TextArea
                    id={`trust-key-${i}-pem`}
                    value={key.pem}
                    onChange={(_e, v) => setKey(i, { pem: v })}
                    rows={5}
                    resizeOrientation="vertical"
                    className="ferry-mono"
                    placeholder={'-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----'}
                    validated={invalid(`trust_policy.keys[${i}].pem`)}
                    aria-invalid={errorOf(`trust_policy.keys[${i}].pem`) ? true : undefined}
                    aria-describedby={`trust-key-${i}-pem-help`}
                  />
                  <FieldHelp id={`trust-key-${i}-pem`} error={errorOf(`trust_policy.keys[${i}].pem`, `trust_policy.keys[${i}]`)} help="cosign's public key (cosign.pub): ECDSA P-256, Ed25519 or RSA." />
                </FormGroup>
                <Button variant="link" isInline onClick={() => set({ keys: trust.keys.filter((_k, j) => j !== i) })}>
                  Remove key {i + 1}
                </Button>
              </GridItem>
            </Grid>
          ))}
          {trust.identities.map((identity, i) => (
            <Grid hasGutter md={6} key={`identity-${i}`} className="ferry-trust-row">
              <GridItem>
                <FormGroup label={`Identity ${i + 1}: issuer`} fieldId={`trust-identity-${i}-issuer`} isRequired>
                  <TextInput id={`trust-identity-${i}-issuer`} value={identity.issuer} onChange={(_e, v) => setIdentity(i, { issuer: v })} placeholder="https://token.actions.githubusercontent.com" validated={invalid(`trust_policy.identities[${i}].${identity.regexp ? 'issuer_regexp' : 'issuer'}`)} aria-describedby={`trust-identity-${i}-issuer-help`} />
                  <FieldHelp id={`trust-identity-${i}-issuer`} error={errorOf(`trust_policy.identities[${i}].issuer`, `trust_policy.identities[${i}].issuer_regexp`, `trust_policy.identities[${i}]`)} help="The OIDC issuer in the signing certificate." />
                </FormGroup>
              </GridItem>
              <GridItem>
                <FormGroup label={`Identity ${i + 1}: subject`} fieldId={`trust-identity-${i}-subject`} isRequired>
                  <TextInput id={`trust-identity-${i}-subject`} value={identity.subject} onChange={(_e, v) => setIdentity(i, { subject: v })} placeholder="release@example.com" validated={invalid(`trust_policy.identities[${i}].${identity.regexp ? 'subject_regexp' : 'subject'}`)} aria-describedby={`trust-identity-${i}-subject-help`} />
                  <FieldHelp id={`trust-identity-${i}-subject`} error={errorOf(`trust_policy.identities[${i}].subject`, `trust_policy.identities[${i}].subject_regexp`)} help="The certificate's email or URI." />
                </FormGroup>
              </GridItem>
              <GridItem span={12}>
                <Checkbox id={`trust-identity-${i}-regexp`} label="Issuer and subject are regular expressions" description="Matched anywhere unless anchored with ^ and $, as cosign's --certificate-identity-regexp." isChecked={identity.regexp} onChange={(_e, v) => setIdentity(i, { regexp: v })} />
                <Button variant="link" isInline onClick={() => set({ identities: trust.identities.filter((_k, j) => j !== i) })}>
                  Remove identity {i + 1}
                </Button>
              </GridItem>
            </Grid>
          ))}
          <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
            <Button variant="secondary" onClick={() => set({ keys: [...trust.keys, { name: '', pem: '' }] })}>
              Add a key
            </Button>
            <Button variant="secondary" onClick={() => set({ identities: [...trust.identities, { issuer: '', subject: '', regexp: false }] })}>
              Add a keyless identity
            </Button>
          </div>
          {trust.identities.length ? (
            <FormGroup label="Trusted root (trusted_root.json)" fieldId="trust-root" isRequired>
              <TextArea id="trust-root" value={trust.trustedRoot} onChange={(_e, v) => set({ trustedRoot: v })} rows={4} resizeOrientation="vertical" className="ferry-mono" validated={invalid('trust_policy.trusted_root')} aria-describedby="trust-root-help" />
              <FieldHelp id="trust-root" error={errorOf('trust_policy.trusted_root')} help="Sigstore's trusted root: the certificate authorities and logs keyless signatures are checked with. Nothing is fetched." />
            </FormGroup>
          ) : null}
          <FormGroup label="Trusted signers needed" fieldId="trust-min-signatures">
            <TextInput id="trust-min-signatures" value={trust.minSignatures} onChange={(_e, v) => set({ minSignatures: v })} inputMode="numeric" style={{ maxWidth: 120 }} validated={invalid('trust_policy.min_signatures')} aria-describedby="trust-min-signatures-help" />
            <FieldHelp id="trust-min-signatures" error={errorOf('trust_policy.min_signatures')} help="How many different trusted keys or identities must have signed; 1 means any one of them." />
          </FormGroup>
          <Checkbox id="trust-quarantine" label="Quarantine refused images" description="A refused image is still copied, under its digest only (no tag), for inspection." isChecked={trust.quarantine} onChange={(_e, v) => set({ quarantine: v })} />
          <Checkbox id="trust-unpublish" label="Remove tags that no longer pass" description="After the policy changes, a tag already on the target that fails is removed; otherwise it stays and is reported." isChecked={trust.unpublishFailing} onChange={(_e, v) => set({ unpublishFailing: v })} />
          <Checkbox id="trust-platforms" label="Each platform must be signed too" description="For a multi-platform image, every platform's manifest needs a signature, not only the index." isChecked={trust.requirePlatformSignatures} onChange={(_e, v) => set({ requirePlatformSignatures: v })} />
        </>
      ) : null}
    </FormFieldGroup>
  );
}
