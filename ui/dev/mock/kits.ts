// The recovery-kit commands of the fake shell: a register in memory, sheets drawn as plain
// SVG placeholders, and a recovery that accepts any text or scan and counts sheets as shares.
import type { KeyDetail, KitInfo, PreparedKit, RecoveryProgress } from '../../src/lib/ipc/types';

const WORDS = ['ample', 'bravo', 'cider', 'delta', 'eagle', 'fable', 'gravy', 'harbor', 'igloo', 'jumbo'];

function kitId(): string {
  const digits = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const pick = () => digits[Math.floor(Math.random() * digits.length)];
  return `KW-${Array.from({ length: 4 }, pick).join('')}-${Array.from({ length: 4 }, pick).join('')}`;
}

function page(title: string, line: string, paper: string): string {
  const [w, h] = paper === 'letter' ? [612, 792] : [595, 842];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="50" y="70" font-family="Helvetica" font-size="20" font-weight="bold">${title}</text>
<text x="50" y="100" font-family="Helvetica" font-size="11">${line}</text>
${Array.from({ length: 3 }, (_, i) => `<rect x="${50 + i * 170}" y="140" width="150" height="150" fill="none" stroke="#000" stroke-width="6" stroke-dasharray="6 4"/>`).join('')}
</svg>`;
}

type Fail = (code: string, message: string) => never;

export const NO_CODE =
  'No QR code could be read on it (a page of typed lines or instructions, or a scan to redo flat at 300 dpi or more).';

export class MockKits {
  register: KitInfo[] = [];
  prepared: PreparedKit | null = null;
  reading: RecoveryProgress | null = null;

  /** The answer to a kit command, or undefined when `command` is not one. */
  handle(command: string, args: Record<string, any>, keys: KeyDetail[], fail: Fail): unknown {
    switch (command) {
      case 'kits_list':
        return [...this.register].reverse().filter((k) => !args.key || k.keys.some((x) => x.id === args.key));
      case 'kit_generate_passphrase':
        return {
          passphrase: [...WORDS]
            .sort(() => Math.random() - 0.5)
            .slice(0, 6)
            .join(' '),
          words: 6,
        };
      case 'kit_prepare':
        return this.prepare(args, keys, fail);
      case 'kit_preview': {
        const kit = this.prepared ?? fail('invalid_input', 'There is no kit waiting to be saved.');
        const sheet = kit.sheets[args.sheet] ?? fail('invalid_input', 'No such sheet.');
        const title = `Recovery kit ${kit.id}`;
        return {
          sheet: args.sheet,
          pages: [
            page(title, `Sheet for ${sheet.custodian}${sheet.share ? `, share ${sheet.share}` : ''}`, kit.paper),
            page('For your heirs', 'How to recover these keys, step by step.', kit.paper),
          ],
        };
      }
      case 'kit_save': {
        const kit = this.prepared ?? fail('invalid_input', 'There is no kit waiting to be saved.');
        const info: KitInfo = {
          id: kit.id,
          generation: kit.generation,
          kind: kit.kind,
          threshold: kit.threshold,
          count: kit.count,
          recipient: kit.recipient,
          madeAt: kit.madeAt,
          madeBy: 'alex',
          keys: kit.keys.map((k) => ({
            id: k.id,
            name: k.name,
            version: k.version,
            fingerprint: k.fingerprints[0]?.value ?? '',
          })),
          custody: kit.sheets.map((s) => ({ custodian: s.custodian, share: s.share })),
          status: 'current',
          statusAt: null,
          statusReason: null,
          lastDrill: null,
        };
        this.register.push(info);
        this.prepared = null;
        const files = [...kit.sheets.map((s) => s.file), kit.payloadFile].map((f) => `${args.directory}/${f}`);
        return { kit: info, directory: args.directory, files };
      }
      case 'kit_discard':
        this.prepared = null;
        return null;
      case 'kit_recover_add_scan':
        // An empty file stands in for a page without a code; any other file is a sheet's scan.
        if (!(args instanceof Uint8Array) || args.length === 0) fail('no_code', NO_CODE);
        return this.read();
      case 'kit_recover_add':
        return this.read();
      case 'kit_recover_open':
        if (!this.reading) fail('invalid_input', 'Nothing of a kit has been read yet.');
        return { kit: this.reading?.kit, generation: 1, madeAt: new Date().toISOString(), inRegister: true, keys: [] };
      case 'kit_recover_restore':
        this.reading = null;
        return { kit: 'KW-28T5-CY4T', keys: [] };
      case 'kit_recover_reset':
        this.reading = null;
        return null;
      case 'kit_drill': {
        const kit = this.register[0] ?? fail('invalid_input', 'This kit is not in the register.');
        kit.lastDrill = new Date().toISOString();
        this.reading = null;
        return kit;
      }
      default:
        return undefined;
    }
  }

  /** One sheet read: the codes with the first, and a share with each. */
  read(): RecoveryProgress {
    const kit = this.register[0]?.id ?? 'KW-28T5-CY4T';
    const before = this.reading;
    const shares = (before?.shares.have ?? 0) + 1;
    this.reading = {
      kit,
      codes: { have: 3, need: 3 },
      typedLines: 0,
      shares: { have: shares, need: 2 },
      added: { codes: before ? 0 : 3, typedLines: 0, shares: 1 },
    };
    return this.reading;
  }

  prepare(args: Record<string, any>, keys: KeyDetail[], fail: Fail): PreparedKit {
    if (args.passphrase !== 'correct horse battery staple') {
      fail('wrong_passphrase', 'That passphrase (or key file) is not this vault’s. Nothing was revealed.');
    }
    const id = kitId();
    const custodians: string[] = args.custodians;
    const split = args.kind === 'split';
    const chosen = keys.filter((k) => args.keys.includes(k.id));
    this.prepared = {
      id,
      generation: 1 + this.register.filter((k) => k.keys.some((x) => args.keys.includes(x.id))).length,
      kind: args.kind,
      threshold: split ? args.threshold : null,
      count: split ? custodians.length : null,
      recipient: args.recipient ?? null,
      paper: args.paper,
      madeAt: new Date().toISOString(),
      sheets: custodians.map((custodian, index) => ({
        index,
        custodian,
        share: split ? index + 1 : null,
        file: split
          ? `${id}-share-${index + 1}-of-${custodians.length}-${custodian.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-')}.pdf`
          : `${id}.pdf`,
      })),
      payloadFile: `${id}.${args.kind === 'unencrypted' ? 'txt' : 'age'}`,
      keys: chosen.map((k) => ({
        id: k.id,
        name: k.name,
        algorithm: k.algorithm,
        purpose: k.purpose,
        version: k.version,
        fingerprints: k.versions.at(-1)?.fingerprints ?? [],
      })),
      passphrase: args.kind === 'personal' && !args.kitPassphrase ? 'ample bravo cider delta eagle fable' : null,
    };
    return this.prepared;
  }

  /** The keys in use that no current kit holds, for the dashboard. */
  withoutKit(keys: KeyDetail[]) {
    return keys
      .filter((k) => ['active', 'suspended', 'deactivated'].includes(k.state))
      .filter((k) => !this.register.some((kit) => kit.status === 'current' && kit.keys.some((x) => x.id === k.id)))
      .map((k) => ({
        keyId: k.id,
        keyName: k.name,
        keyFingerprint: k.fingerprint,
        keyState: k.state,
        kit: null,
        kitStatus: null,
        kitReason: null,
      }));
  }
}
