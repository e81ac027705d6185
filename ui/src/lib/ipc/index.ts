// The UI's only door to the desktop shell. Nothing outside this folder imports @tauri-apps.
export * from './commands';
export * from './dialogs';
export * from './error';
export * from './events';
export type * from './types';
