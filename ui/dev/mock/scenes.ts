// Prepared states for looking at each screen: a starting vault, then clicks and typing
// through the real UI by data-testid.
import { shell } from './backend';

type Step = ['click' | 'type', string, string?] | ['wait', number] | ['idle-lock'];

interface Scene {
  setup: Parameters<typeof shell.setup>;
  steps?: Step[];
}

const scenes: Record<string, Scene> = {
  welcome: { setup: ['closed'] },
  'welcome-existing': { setup: ['closed', { defaultExists: true }] },
  create: {
    setup: ['closed'],
    steps: [
      ['click', 'welcome-create'],
      ['type', 'create-passphrase', 'tulip ocean lantern 47'],
      ['type', 'create-passphrase-confirm', 'tulip ocean lantern 47'],
    ],
  },
  'create-busy': {
    setup: ['closed', { slow: true }],
    steps: [
      ['click', 'welcome-create'],
      ['type', 'create-passphrase', 'tulip ocean lantern 47'],
      ['type', 'create-passphrase-confirm', 'tulip ocean lantern 47'],
      ['click', 'create-submit'],
    ],
  },
  unlock: { setup: ['locked'] },
  'unlock-error': {
    setup: ['locked', { keyfile: true }],
    steps: [
      ['type', 'unlock-passphrase', 'not the passphrase'],
      ['type', 'unlock-keyfile', '/home/alex/Documents/vault.keyfile'],
      ['click', 'unlock-submit'],
      ['wait', 700],
    ],
  },
  'idle-lock': { setup: ['unlocked', { keys: true }], steps: [['wait', 300], ['idle-lock']] },
  'home-empty': { setup: ['unlocked'] },
  home: { setup: ['unlocked', { keys: true }] },
  search: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['type', 'key-search', 'prod'],
      ['wait', 500],
    ],
  },
  generate: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'generate-open'],
      ['type', 'generate-name', 'Partner SFTP archive'],
      ['type', 'generate-tags', 'partners, archive,'],
      ['type', 'generate-notes', 'Encrypts the monthly archive sent to the partner.'],
    ],
  },
  detail: { setup: ['unlocked', { keys: true }], steps: [['click', 'key-row', 'Database column key']] },
  rename: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'key-row', 'Database column key'],
      ['click', 'key-rename'],
    ],
  },
  delete: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'key-row', 'Billing webhook secret'],
      ['click', 'key-delete'],
    ],
  },
  import: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'import-open'],
      ['type', 'import-path', '/home/alex/keys/release-signing.pem'],
      ['type', 'import-name', 'Release signing 2026'],
      ['type', 'import-owner', 'Release team'],
      ['type', 'import-tags', 'release, ci,'],
    ],
  },
  'import-done': {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'import-open'],
      ['type', 'import-path', '/home/alex/keys/release-signing.pem'],
      ['type', 'import-name', 'Release signing 2026'],
      ['click', 'import-submit'],
      ['wait', 300],
    ],
  },
  'export-public': {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'key-row', 'Release signing'],
      ['click', 'key-export-public'],
      ['wait', 200],
      ['click', 'export-show'],
      ['wait', 200],
    ],
  },
  'export-secret': {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'key-row', 'Release signing'],
      ['click', 'key-export-secret'],
      ['type', 'export-path', '/home/alex/keys/release-signing.pem'],
      ['type', 'export-passphrase', 'correct horse battery staple'],
    ],
  },
  edit: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'key-row', 'Database column key'],
      ['click', 'key-edit'],
      ['type', 'edit-owner', 'Data platform team'],
      ['type', 'edit-rotation', '0'],
    ],
  },
  rotate: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'key-row', 'Release signing'],
      ['click', 'key-rotate'],
      ['wait', 200],
      ['type', 'reason-input', 'Yearly rotation'],
    ],
  },
  'rotate-rsa-busy': {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'generate-open'],
      ['click', 'wizard-purpose-signature'],
      ['click', 'wizard-next'],
      ['wait', 200],
      ['click', 'wizard-algorithm-rsa-4096'],
      ['click', 'wizard-next'],
      ['type', 'generate-name', 'Legacy partner signing'],
      ['click', 'wizard-next'],
      ['click', 'generate-submit'],
      ['wait', 2200],
    ],
  },
  settings: {
    setup: ['unlocked', { keys: true }],
    steps: [
      ['click', 'settings-open'],
      ['type', 'passwd-current', 'correct horse battery staple'],
      ['type', 'passwd-new', 'Winter-ladder-Orbit-92'],
    ],
  },
};

function find(testid: string, keyName?: string): Promise<HTMLElement> {
  const selector = keyName ? `[data-testid="${testid}"][data-key-name="${keyName}"]` : `[data-testid="${testid}"]`;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const element = document.querySelector<HTMLElement>(selector);
      if (element) resolve(element);
      else if (Date.now() - started > 5000) reject(new Error(`scene: ${selector} never appeared`));
      else setTimeout(poll, 30);
    };
    poll();
  });
}

async function play(step: Step) {
  switch (step[0]) {
    case 'wait':
      return new Promise((resolve) => setTimeout(resolve, step[1]));
    case 'idle-lock':
      Object.assign(shell.status, { state: 'locked', autoLockMinutes: null });
      return shell.emit('vault-locked', { reason: 'idle' });
    case 'click':
      return (await find(step[1], step[2])).click();
    case 'type': {
      const input = (await find(step[1])) as HTMLInputElement;
      input.focus();
      input.value = step[2] ?? '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }
}

export function runScene(name: string | null) {
  const scene = name ? scenes[name] : undefined;
  if (!scene) return;
  shell.setup(...scene.setup);
  // Let the app mount and load before acting.
  setTimeout(async () => {
    for (const step of scene.steps ?? []) {
      await play(step);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    document.documentElement.dataset.sceneReady = '';
  }, 200);
}
