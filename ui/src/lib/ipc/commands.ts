// Typed wrappers for every command in docs/ipc.md; the only caller of Tauri's `invoke`.
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { IpcError } from './error';
import type {
  Algorithm,
  AlgorithmVerdict,
  AuditCheck,
  AuditEntry,
  AuditFilter,
  AutostartStatus,
  CalendarExport,
  CalendarNaming,
  ClipboardCopy,
  Dashboard,
  DueKind,
  ImportedKey,
  ImportRequest,
  KeyChanges,
  GeneratedPassphrase,
  KeyFormat,
  KeyDetail,
  KitInfo,
  KitOpener,
  KitRequest,
  PreparedKit,
  RecoveredKit,
  RecoveryProgress,
  ReportExport,
  RestoreResult,
  SavedKit,
  SheetPreview,
  KeyState,
  KeyStateInfo,
  KeySummary,
  NewKey,
  NewVault,
  PassphraseChange,
  Policy,
  PublicExport,
  PublicExportRequest,
  ReplacePublicRequest,
  Paper,
  Purpose,
  ReportFormat,
  RevealedSecret,
  RevealRequest,
  SecretExport,
  SecretExportRequest,
  UnlockRequest,
  VaultRecoveryProgress,
  VaultStatus,
} from './types';

// `args` is an object of named arguments, or raw bytes that reach the command as its body.
async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await (args === undefined ? invoke<T>(command) : invoke<T>(command, args));
  } catch (reason) {
    throw IpcError.from(reason);
  }
}

export const vaultStatus = () => call<VaultStatus>('vault_status');

/** Selects an existing vault file; resolves in state `locked`. */
export const vaultSelect = (path: string) => call<VaultStatus>('vault_select', { path });

/** Creates a vault and unlocks it. Takes a second or two on purpose (key derivation). */
export const vaultCreate = ({ path, passphrase, keyfilePath }: NewVault) =>
  call<VaultStatus>('vault_create', { path, passphrase, keyfilePath });

export const vaultUnlock = ({ passphrase, keyfilePath }: UnlockRequest) =>
  call<VaultStatus>('vault_unlock', { passphrase, keyfilePath });

/** Reads the words of one sheet of the locked vault's recovery kit. */
export const vaultRecoveryAdd = (text: string) => call<VaultRecoveryProgress>('vault_recovery_add', { text });

/** Reads the QR codes of a scanned sheet of the locked vault's recovery kit (PNG, JPEG or PDF bytes). */
export const vaultRecoveryAddScan = (bytes: Uint8Array) =>
  call<VaultRecoveryProgress>('vault_recovery_add_scan', bytes);

export const vaultRecoveryReset = () => call<void>('vault_recovery_reset');

/** Opens the locked vault with the recovery kit's shares read so far and sets its new passphrase. */
export const vaultRecover = ({ newPassphrase, keyfilePath }: { newPassphrase: string; keyfilePath: string | null }) =>
  call<VaultStatus>('vault_recover', { newPassphrase, keyfilePath });

export const vaultLock = () => call<VaultStatus>('vault_lock');

export const vaultClose = () => call<VaultStatus>('vault_close');

export const vaultChangePassphrase = ({ currentPassphrase, newPassphrase, keyfilePath }: PassphraseChange) =>
  call<null>('vault_change_passphrase', { currentPassphrase, newPassphrase, keyfilePath });

/** `minutes` is 1 … 1440. */
export const settingsSetAutoLock = (minutes: number) => call<VaultStatus>('settings_set_auto_lock', { minutes });

/** `seconds` is 5 … 600: how long a copied secret stays on the clipboard. */
export const settingsSetClipboardClear = (seconds: number) =>
  call<VaultStatus>('settings_set_clipboard_clear', { seconds });

/** Whether Keywarden starts, minimised to the tray, when the person logs in. */
export const settingsAutostart = () => call<AutostartStatus>('settings_autostart');

export const settingsSetAutostart = (enabled: boolean) => call<AutostartStatus>('settings_set_autostart', { enabled });

/** Tells the shell the person did something, restarting the idle timer. */
export const activity = () => call<null>('activity');

export const keyAlgorithms = () => call<Algorithm[]>('key_algorithms');

/** Keys sorted by name; `query` (or null for all) matches name, tags and algorithm. */
export const keysList = (query: string | null) => call<KeySummary[]>('keys_list', { query });

export const keyGet = (id: string) => call<KeyDetail>('key_get', { id });

export const keyPurposes = () => call<Purpose[]>('key_purposes');

export const keyStates = () => call<KeyStateInfo[]>('key_states');

export const keyGenerate = ({
  name,
  algorithm,
  notes,
  tags,
  purpose = null,
  owner = null,
  custodians = null,
  preActivation = null,
  rotationDays = null,
}: NewKey) =>
  call<KeyDetail>('key_generate', {
    name,
    algorithm,
    notes,
    tags,
    purpose,
    owner,
    custodians,
    preActivation,
    rotationDays,
  });

export const keyUpdate = (
  id: string,
  { name = null, notes = null, tags = null, owner = null, custodians = null, rotationDays = null }: KeyChanges,
) => call<KeyDetail>('key_update', { id, name, notes, tags, owner, custodians, rotationDays });

export const keyRename = (id: string, name: string) => call<KeyDetail>('key_rename', { id, name });

export const keyDelete = (id: string) => call<null>('key_delete', { id });

/** Moves a key to another state; `reason` is kept in its history and the audit log. */
export const keySetState = (id: string, to: KeyState, reason: string) =>
  call<KeyDetail>('key_set_state', { id, to, reason });

/** A new version of an active key; `algorithm` null keeps the algorithm. */
export const keyRotate = (id: string, algorithm: string | null, reason: string) =>
  call<KeyDetail>('key_rotate', { id, algorithm, reason });

/**
 * A new version of a public-only key: the public key its holder made, from a file
 * (`path`, read in Rust) or pasted `text`; `format` null: recognised by its content.
 */
export const keyReplacePublic = ({ id, path = null, text = null, format = null, reason }: ReplacePublicRequest) =>
  call<KeyDetail>('key_replace_public', { id, path, text, format, reason });

/** `days` null: the policy's waiting period. */
export const keyScheduleDestruction = (id: string, days: number | null, reason: string) =>
  call<KeyDetail>('key_schedule_destruction', { id, days, reason });

export const keyCancelDestruction = (id: string, reason: string) =>
  call<KeyDetail>('key_cancel_destruction', { id, reason });

/** The material, after the passphrase is checked again. Audited. */
export const keyReveal = ({ id, version, passphrase, keyfilePath }: RevealRequest) =>
  call<RevealedSecret>('key_reveal', { id, version, passphrase, keyfilePath });

/**
 * Copies revealed material through the shell, which wipes it after the vault's wait,
 * when the vault locks or closes, and when the app quits. Needs the vault unlocked.
 */
export const copySecret = (text: string) => call<ClipboardCopy>('clipboard_copy', { text, secret: true });

/** Copies a public text (a public key); it stays on the clipboard. */
export const copyPublic = (text: string) => call<ClipboardCopy>('clipboard_copy', { text, secret: false });

/** Empties the clipboard now, whatever is on it (the app cannot read it to check). */
export const clearClipboard = () => call<null>('clipboard_clear');

export const keyFormats = () => call<KeyFormat[]>('key_formats');

/** Reads a key (private, secret or public alone) from a file (read in Rust) or pasted text and stores it as a new key. Audited. */
export const keyImport = ({
  path = null,
  text = null,
  format = null,
  algorithm = null,
  name,
  purpose = null,
  owner = null,
  custodians = null,
  tags = null,
  notes = null,
  preActivation = null,
  rotationDays = null,
}: ImportRequest) =>
  call<ImportedKey>('key_import', {
    path,
    text,
    format,
    algorithm,
    name,
    purpose,
    owner,
    custodians,
    tags,
    notes,
    preActivation,
    rotationDays,
  });

/** The public part as text (`path` null) or written to `path`. Audited; no passphrase. */
export const keyExportPublic = ({ id, version = null, format, path = null, overwrite = false }: PublicExportRequest) =>
  call<PublicExport>('key_export_public', { id, version, format, path, overwrite });

/** Writes the secret to `path` (mode 0600) after the passphrase is checked again. Audited. */
export const keyExport = ({
  id,
  version = null,
  format,
  path,
  overwrite = false,
  passphrase,
  keyfilePath,
}: SecretExportRequest) =>
  call<SecretExport>('key_export', { id, version, format, path, overwrite, passphrase, keyfilePath });

export const policyGet = () => call<Policy>('policy_get');

export const policySet = (name: string, value: string, reason: string) =>
  call<Policy>('policy_set', { name, value, reason });

/** The policy's verdict on a new key for `purpose`: for `algorithm`, or every algorithm when null. */
export const policyCheckNew = (algorithm: string | null, purpose: string) =>
  call<AlgorithmVerdict[]>('policy_check_new', { algorithm, purpose });

/** Newest first. */
export const auditList = ({
  action = null,
  key = null,
  outcome = null,
  since = null,
  until = null,
  text = null,
  limit = null,
}: AuditFilter = {}) => call<AuditEntry[]>('audit_list', { action, key, outcome, since, until, text, limit });

export const auditVerify = () => call<AuditCheck>('audit_verify');

/** What needs attention in the unlocked vault. */
export const dashboard = () => call<Dashboard>('dashboard');

/** Writes every due date as an iCalendar file at `path` (mode 0600). */
export const calendarExport = (path: string, naming: CalendarNaming, overwrite = false) =>
  call<CalendarExport>('calendar_export', { path, naming, overwrite });

/**
 * Writes the key-management review report at `path` (mode 0600): one printable HTML file, or
 * a PDF on `paper`. `unusedDays` null: the default window of 90 days. Audited.
 */
export const reportExport = (
  path: string,
  format: ReportFormat = 'html',
  paper: Paper = 'a4',
  unusedDays: number | null = null,
  overwrite = false,
) => call<ReportExport>('report_export', { path, format, paper, unusedDays, overwrite });

/** Puts off the reminders of one of a key's due dates until `until` (RFC 3339), with a reason. Audited. */
export const reminderSnooze = (id: string, kind: DueKind, until: string, reason: string) =>
  call<Dashboard>('reminder_snooze', { id, kind, until, reason });

/** Ends a snooze early. Audited. */
export const reminderCancelSnooze = (id: string, kind: DueKind, reason: string) =>
  call<Dashboard>('reminder_cancel_snooze', { id, kind, reason });

/** The custody register, newest first; with `key`, the kits that hold that key. */
export const kitsList = (key: string | null = null) => call<KitInfo[]>('kits_list', { key });

/** Six words for a personal kit's passphrase, to write on the sheet by hand; never stored. */
export const kitGeneratePassphrase = () => call<GeneratedPassphrase>('kit_generate_passphrase');

/** Makes a kit after the vault passphrase is checked again; it waits in the shell until saved or discarded. */
export const kitPrepare = ({
  keys,
  kind,
  custodians,
  threshold = null,
  kitPassphrase = null,
  recipient = null,
  unencryptedAcknowledged = null,
  paper,
  passphrase,
  keyfilePath,
}: KitRequest) =>
  call<PreparedKit>('kit_prepare', {
    keys,
    kind,
    custodians,
    threshold,
    kitPassphrase,
    recipient,
    unencryptedAcknowledged,
    paper,
    passphrase,
    keyfilePath,
  });

/** The pages of one sheet of the prepared kit, as SVG documents. */
export const kitPreview = (sheet: number) => call<SheetPreview>('kit_preview', { sheet });

/** Writes every sheet's PDF and the `.age` copy into `directory` (mode 0600), then registers the kit. */
export const kitSave = (directory: string) => call<SavedKit>('kit_save', { directory });

/** Drops the prepared kit; the audit log records that it was not saved. */
export const kitDiscard = () => call<null>('kit_discard');

/** Reads one text (codes, typed lines or share words) into the recovery in progress. */
export const kitRecoverAdd = (text: string) => call<RecoveryProgress>('kit_recover_add', { text });

/** Reads the QR codes of one scanned sheet (PNG, JPEG or PDF bytes) into the recovery in progress. */
export const kitRecoverAddScan = (bytes: Uint8Array) => call<RecoveryProgress>('kit_recover_add_scan', bytes);

/** Opens the kit read so far; every key is checked against its fingerprints. */
export const kitRecoverOpen = ({ kitPassphrase = null, identity = null }: KitOpener = {}) =>
  call<RecoveredKit>('kit_recover_open', { kitPassphrase, identity });

/** Adds the opened kit's keys to this vault. Audited. */
export const kitRecoverRestore = () => call<RestoreResult>('kit_recover_restore');

/** Forgets what was read. */
export const kitRecoverReset = () => call<null>('kit_recover_reset');

/** Opens the kit read so far and checks it against the register, recording the drill. */
export const kitDrill = ({ kitPassphrase = null, identity = null }: KitOpener = {}) =>
  call<KitInfo>('kit_drill', { kitPassphrase, identity });
