// Wire types of the IPC contract (docs/ipc.md). Field names match the JSON exactly.

export type VaultState = 'closed' | 'locked' | 'unlocked';

export interface VaultStatus {
  state: VaultState;
  /** The selected vault file; null when closed. */
  path: string | null;
  defaultVaultPath: string;
  defaultVaultExists: boolean;
  /** Known once a vault is selected. */
  keyfileRequired: boolean | null;
  /** Known once unlocked. */
  autoLockMinutes: number | null;
  /** Seconds a copied secret stays on the clipboard; known once unlocked. */
  clipboardClearSeconds: number | null;
  /** Whether the selected vault has a current vault recovery kit; known once a vault is selected. */
  recoveryKit: boolean | null;
}

/** How far reading a vault recovery kit is (`vault_recovery_add`). */
export interface VaultRecoveryProgress {
  /** Shares read. */
  have: number;
  /** Shares needed; 0 before the first share. */
  need: number;
}

export interface Algorithm {
  id: string;
  label: string;
  bits: number;
  description: string;
  family: 'symmetric' | 'asymmetric' | 'secret';
  /** Security strength in bits. */
  strength: number;
  /** Purpose ids it can serve; the first is the usual one. */
  purposes: string[];
}

export interface Purpose {
  id: string;
  label: string;
  /** Algorithm ids that can serve it. */
  algorithms: string[];
}

export type KeyState = 'pre-activation' | 'active' | 'suspended' | 'deactivated' | 'compromised' | 'destroyed';

export interface KeyStateInfo {
  id: KeyState;
  label: string;
  /** States `key_set_state` accepts from this one. */
  next: KeyState[];
}

export interface Finding {
  severity: 'violation' | 'warning';
  code: string;
  message: string;
}

export interface AlgorithmVerdict {
  algorithm: string;
  findings: Finding[];
}

export interface KeySummary {
  id: string;
  name: string;
  /** An `Algorithm.id`. */
  algorithm: string;
  /** A `Purpose.id`. */
  purpose: string;
  state: KeyState;
  tags: string[];
  /** RFC 3339, UTC (as are all times). */
  createdAt: string;
  nextRotation: string | null;
  destructionDue: string | null;
  fingerprint: string;
  version: number;
  /** The vault holds only the public key: nothing can reveal, export or escrow a secret of it. */
  publicOnly: boolean;
  violations: number;
  warnings: number;
}

export interface FingerprintInfo {
  /** "spki-sha256" | "openssh-sha256" | "age-recipient" | "kcv" */
  kind: string;
  value: string;
}

export interface KeyVersion {
  number: number;
  algorithm: string;
  createdAt: string;
  fingerprint: string;
  /** Every form of the fingerprint, the main one first. */
  fingerprints: FingerprintInfo[];
  deactivatedAt: string | null;
  destroyedAt: string | null;
}

export interface Transition {
  from: KeyState | null;
  to: KeyState;
  at: string;
  actor: string;
  reason: string;
}

export interface Destruction {
  scheduledAt: string;
  dueAt: string;
  actor: string;
  reason: string;
}

export interface KeyDetail extends KeySummary {
  notes: string;
  updatedAt: string;
  owner: string;
  custodians: string[];
  rotationDays: number | null;
  versions: KeyVersion[];
  history: Transition[];
  findings: Finding[];
  destruction: Destruction | null;
  activatedAt: string | null;
  rotatedAt: string | null;
  revealedAt: string | null;
  exportedAt: string | null;
  nextStates: KeyState[];
  followUp: string[];
}

export interface RevealedSecret {
  version: number;
  /** The engine's reveal form: hex (symmetric keys), text (passwords, tokens), age-identity, pkcs8-pem. */
  encoding: 'hex' | 'text' | 'age-identity' | 'pkcs8-pem';
  text: string;
}

export interface Cryptoperiod {
  purpose: string;
  days: number;
}

export interface Policy {
  minStrengthBits: number;
  allowedAlgorithms: string[];
  destructionWaitDays: number;
  cryptoperiods: Cryptoperiod[];
  /** Days before a due date when it counts as due soon, largest first. */
  reminderDays: number[];
  /** How far past its due date a reminder may be snoozed (0: never). */
  maxSnoozeDays: number;
  /** Days from a kit's making or last passed drill to its next drill. */
  drillDays: number;
}

export type AuditOutcome = 'success' | 'failure';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  keyId: string | null;
  keyName: string;
  /** The key's fingerprint at the time (empty in older entries and for requests about no key). */
  keyFingerprint: string;
  reason: string;
  outcome: AuditOutcome;
  detail: string;
}

export interface AuditFilter {
  action?: string | null;
  key?: string | null;
  outcome?: AuditOutcome | null;
  since?: string | null;
  until?: string | null;
  text?: string | null;
  limit?: number | null;
}

export interface AuditCheck {
  entries: number;
  intact: boolean;
  problems: string[];
}

export type LockReason = 'idle' | 'user';

export interface VaultLockedEvent {
  reason: LockReason;
}

export interface NewVault {
  path: string;
  passphrase: string;
  keyfilePath: string | null;
}

export interface UnlockRequest {
  passphrase: string;
  keyfilePath: string | null;
}

export interface PassphraseChange {
  currentPassphrase: string;
  newPassphrase: string;
  keyfilePath: string | null;
}

export interface NewKey {
  name: string;
  algorithm: string;
  notes: string;
  tags: string[];
  purpose?: string | null;
  owner?: string | null;
  custodians?: string[] | null;
  preActivation?: boolean | null;
  rotationDays?: number | null;
}

/** Fields `key_update` changes; a null or missing field stays as it is. */
export interface KeyChanges {
  name?: string | null;
  notes?: string | null;
  tags?: string[] | null;
  owner?: string | null;
  custodians?: string[] | null;
  /** 0: follow the policy's cryptoperiod again. */
  rotationDays?: number | null;
}

export interface RevealRequest {
  id: string;
  version: number | null;
  passphrase: string;
  keyfilePath: string | null;
}

/** A format of import and export (`key_formats`). */
export interface KeyFormat {
  /** An engine format id such as `pkcs8-pem`, or `jwk`. */
  id: string;
  label: string;
  /** `both`: JWK, which has private and public forms. */
  kind: 'private' | 'public' | 'both';
  /** DER: can be saved, not shown or copied. */
  binary: boolean;
  /** The usual file name extension, without the dot; may be empty. */
  extension: string;
  /** Algorithm ids with this form as a private key. */
  privateFor: string[];
  /** Algorithm ids whose public part has this form. */
  publicFor: string[];
}

/** The answer of `clipboard_copy`. */
export interface ClipboardCopy {
  /** Seconds until the shell wipes the copied secret; null for a public text, which stays. */
  clearsInSeconds: number | null;
}

/** What `key_replace_public` takes: `path` or `text` (exactly one). */
export interface ReplacePublicRequest {
  id: string;
  path?: string | null;
  text?: string | null;
  format?: string | null;
  reason: string;
}

/** What `key_import` takes: `path` or `text` (exactly one), and the new key's fields. */
export interface ImportRequest {
  path?: string | null;
  text?: string | null;
  /** null: recognised by its content. */
  format?: string | null;
  /** Needed for hex, base64, text and `oct` JWKs; else must agree with the material. */
  algorithm?: string | null;
  name: string;
  purpose?: string | null;
  owner?: string | null;
  custodians?: string[] | null;
  tags?: string[] | null;
  notes?: string | null;
  preActivation?: boolean | null;
  rotationDays?: number | null;
}

export interface ImportedKey {
  key: KeyDetail;
  /** The format the material was read in. */
  format: string;
  /** Every fingerprint, the main one first. */
  fingerprints: string[];
  /** Other keys that already hold the same material. */
  sameMaterialAs: string[];
}

export interface PublicExportRequest {
  id: string;
  version?: number | null;
  format: string;
  /** null: answer with the text. */
  path?: string | null;
  /** The person agreed to replace an existing file. */
  overwrite?: boolean | null;
}

export interface PublicExport {
  format: string;
  version: number;
  text: string | null;
  path: string | null;
}

export interface SecretExportRequest {
  id: string;
  version?: number | null;
  format: string;
  path: string;
  overwrite?: boolean | null;
  passphrase: string;
  keyfilePath: string | null;
}

export interface SecretExport {
  format: string;
  version: number;
  path: string;
}

export interface KeysChangedEvent {
  /** Keys the idle timer destroyed as scheduled. */
  destroyed: number;
}

export type DueKind = 'rotation' | 'usage-end' | 'destruction' | 'drill';

export interface Snooze {
  until: string;
  reason: string;
  by: string;
  at: string;
}

/** An overdue or due-soon date on the dashboard. */
export interface DueItem {
  /** A key's rotation, end of use or destruction; a kit's drill. */
  subject: 'key' | 'kit';
  /** The key's UUID or the kit's id. */
  id: string;
  /** The key's name, or the kit's title (`split kit of "Archive"`). */
  name: string;
  /** The key's fingerprint (its current version's); empty for a kit. */
  fingerprint: string;
  /** Null for a kit. */
  keyState: KeyState | null;
  kind: DueKind;
  dueAt: string;
  urgency: 'overdue' | 'soon' | 'later';
  /** Calendar days since the date when overdue (0: earlier today), else until it. */
  days: number;
  /** The smallest reminder threshold reached; null when overdue. */
  threshold: number | null;
  snooze: Snooze | null;
}

export interface StateCount {
  state: KeyState;
  count: number;
}

export interface DashboardCounts {
  keys: number;
  byState: StateCount[];
  overdue: number;
  soon: number;
  snoozed: number;
  violations: number;
  unused: number;
  /** Keys in use that no current kit holds. */
  withoutKit: number;
}

export interface KeyViolations {
  keyId: string;
  keyName: string;
  /** The key's fingerprint (its current version's; may be empty). */
  keyFingerprint: string;
  keyState: KeyState;
  findings: Finding[];
}

export interface UnusedKey {
  keyId: string;
  keyName: string;
  /** The key's fingerprint (its current version's; may be empty). */
  keyFingerprint: string;
  keyState: KeyState;
  lastUsedAt: string;
}

export interface Dashboard {
  generatedAt: string;
  timeZone: string;
  reminderDays: number[];
  maxSnoozeDays: number;
  due: DueItem[];
  counts: DashboardCounts;
  violations: KeyViolations[];
  unusedDays: number;
  unused: UnusedKey[];
  /** Keys in use that no current kit holds: those whose kit is void or superseded first. */
  withoutKit: KeyWithoutKit[];
  recentAudit: AuditEntry[];
}

/** A key in use (active, suspended or deactivated) that no current kit holds. */
export interface KeyWithoutKit {
  keyId: string;
  keyName: string;
  /** The key's fingerprint (its current version's; may be empty). */
  keyFingerprint: string;
  keyState: KeyState;
  /** The newest kit that holds it, superseded or void; null when it never went into one. */
  kit: string | null;
  kitStatus: 'superseded' | 'void' | null;
  /** Why that kit is superseded or void. */
  kitReason: string | null;
}

/** `names`: event titles name the keys; `ids`: key ids only. */
export type CalendarNaming = 'names' | 'ids';

export interface CalendarExport {
  path: string;
  events: number;
  names: boolean;
}

/** What a review report is written as: one self-contained HTML file, or a PDF. */
export type ReportFormat = 'html' | 'pdf';

/** What `report_export` wrote: the file and the numbers of the review report's summary. */
export interface ReportExport {
  path: string;
  keys: number;
  /** Due dates already past. */
  overdue: number;
  /** Due dates within the policy's largest reminder threshold. */
  dueSoon: number;
  /** Policy violations (warnings are not counted). */
  violations: number;
  /** Keys not used for the unused window. */
  unused: number;
  /** Keys in use that no current recovery kit holds. */
  unescrowed: number;
  /** Whether the audit log verified when the report was made. */
  auditIntact: boolean;
}

export interface AutostartStatus {
  enabled: boolean;
}

// --- Recovery kits ------------------------------------------------------------------------

export type KitKind = 'personal' | 'unencrypted' | 'split' | 'escrow' | 'vault';

export type KitStatus = 'current' | 'superseded' | 'void';

export type Paper = 'a4' | 'letter';

export interface KitKeyInfo {
  id: string;
  /** Its name when the kit was made. */
  name: string;
  version: number;
  /** The main fingerprint as printed: `kcv 4f0c…`, `spki-sha256 …`. */
  fingerprint: string;
}

export interface Custody {
  custodian: string;
  /** The share number on a split kit's sheet, from 1. */
  share: number | null;
}

/** How a kit is locked: its kind, and a split kit's threshold and count, or an escrow kit's recipient. */
export interface KitLockInfo {
  kind: KitKind;
  threshold: number | null;
  count: number | null;
  recipient: string | null;
}

/** One kit of the custody register. */
export interface KitInfo extends KitLockInfo {
  id: string;
  generation: number;
  madeAt: string;
  madeBy: string;
  keys: KitKeyInfo[];
  custody: Custody[];
  status: KitStatus;
  statusAt: string | null;
  statusReason: string | null;
  lastDrill: string | null;
}

/** A key in a kit with every fingerprint; never its material. */
export interface KitKeyDetail {
  id: string;
  name: string;
  algorithm: string;
  purpose: string;
  version: number;
  fingerprints: FingerprintInfo[];
}

export interface SheetInfo {
  /** The `sheet` argument of `kit_preview`. */
  index: number;
  custodian: string;
  share: number | null;
  /** The file name `kit_save` gives its PDF. */
  file: string;
}

/** What `kit_prepare` answers: the kit waits in the shell until saved or discarded. */
export interface PreparedKit extends KitLockInfo {
  id: string;
  generation: number;
  paper: Paper;
  madeAt: string;
  sheets: SheetInfo[];
  /** Null for a vault recovery kit, which has no machine-readable copy. */
  payloadFile: string | null;
  keys: KitKeyDetail[];
  /** Only when the shell generated the kit passphrase: shown once, never stored. */
  passphrase: string | null;
}

export interface KitRequest {
  keys: string[];
  kind: KitKind;
  /** One name; for a split kit, one per sheet; for an escrow kit, the agent. */
  custodians: string[];
  threshold?: number | null;
  /** Personal kits: null has the shell generate one. */
  kitPassphrase?: string | null;
  /** Escrow kits: the agent's `age1…` recipient. */
  recipient?: string | null;
  /** Unencrypted kits: the person read the warning. */
  unencryptedAcknowledged?: boolean | null;
  paper: Paper;
  passphrase: string;
  keyfilePath: string | null;
}

export interface GeneratedPassphrase {
  passphrase: string;
  words: number;
}

export interface SheetPreview {
  sheet: number;
  /** One standalone SVG document per page. */
  pages: string[];
}

export interface SavedKit {
  kit: KitInfo;
  directory: string;
  files: string[];
}

export interface Count {
  have: number;
  /** 0 while unknown. */
  need: number;
}

export interface RecoveryProgress {
  kit: string | null;
  codes: Count;
  typedLines: number;
  shares: Count;
  /** What the last text held. */
  added: { codes: number; typedLines: number; shares: number };
}

export interface RecoveredKit {
  kit: string;
  generation: number;
  madeAt: string;
  /** This vault made the kit: a drill can be recorded. */
  inRegister: boolean;
  keys: KitKeyDetail[];
}

export interface RestoredKey {
  outcome: 'added' | 'already-present';
  id: string;
  name: string;
}

export interface RestoreResult {
  kit: string;
  keys: RestoredKey[];
}

/** How a kit is opened: nothing (split kits, unencrypted), its passphrase, or the agent's identity. */
export interface KitOpener {
  kitPassphrase?: string | null;
  identity?: string | null;
}
